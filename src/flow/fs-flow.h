/*
 * fs-flow.h - the flowcharts of 附件4 (创建流程图) and 附件5 (动态管理流程图):
 * loading them from a template set's flowcharts (fs_set_chart_path),
 * laying them out on one A4 page as a fs_drawing, and marking on them where
 * a dossier's history stands.
 *
 * Layout: the main flow in layers from top to bottom (longest path over
 * the arrows that do not lead back; arrows back, like 不通过 loops, are
 * found by depth-first search from the start), side steps beside the step
 * they feed or leave from, boxes sized to their wrapped labels, every arrow
 * routed orthogonally around the boxes by a shortest-path search with a
 * cost for each bend and crossing, arrow labels placed where they touch no
 * box and no line, the whole centred under the 附件 label and the title,
 * set smaller (and at last scaled) until it fits the text block.  Pinned
 * boxes (x, y in the file) are put where they are pinned; the others stay
 * about where they would be without the pins.
 */
#ifndef FS_FLOW_H
#define FS_FLOW_H

#include "fs-model.h"
#include "fs-doc.h"
#include "fs-draw.h"
#include "fs-font.h"

typedef enum fs_flow_kind {
    FS_FLOW_START, FS_FLOW_STEP, FS_FLOW_REVIEW, FS_FLOW_END, FS_FLOW_SIDE
} fs_flow_kind;

typedef struct fs_flow_node {
    char *id;
    char *label;                /* trimmed, not empty                      */
    fs_flow_kind kind;
    int feeds;                  /* FS_FLOW_SIDE: index of the node it
                                   feeds, else -1                          */
    char *stage;                /* the history stage it stands for (its
                                   stage attribute), or NULL               */
    int pinned;                 /* x, y given in the file                  */
    double x, y;                /* pinned centre, mm from the top-left
                                   corner of the text block                */
    long line;
} fs_flow_node;

typedef struct fs_flow_edge {
    int from, to;               /* node indexes                            */
    char *label;                /* NULL when none                          */
    fs_result when;             /* taken on 通过 / 不通过, or NONE          */
    long line;
} fs_flow_edge;

typedef struct fs_flow_style {
    fs_font_role role;
    double size;                /* points                                  */
} fs_flow_style;

typedef struct fs_flow {
    char *path;
    char *id;                   /* creation, dynamic                       */
    int annual;                 /* cycle="annual" (附件5)                   */
    char *attachment;           /* 附件4                                    */
    char *title;
    fs_flow_style attachment_style, title_style, node_style, edge_style;
    fs_flow_node *nodes;
    size_t nnodes;
    fs_flow_edge *edges;
    size_t nedges;
} fs_flow;

/* Reads the chart PATH safely (no DTD, entity or network; at most 1 MiB),
 * checks it against templates/flowchart.xsd and the rules the schema
 * cannot state (a start node; a side node feeds a node it has an arrow
 * to; no arrow to itself or twice; x and y together).  Every problem goes
 * to DIAGS as PATH:LINE.  Returns the chart, which the caller frees with
 * fs_flow_free, or NULL with *ERR = FS_E_TEMPLATE (or FS_E_IO when PATH
 * cannot be read). */
fs_flow *fs_flow_load(const char *path, fs_diags *diags, fs_error *err);
void fs_flow_free(fs_flow *f);

/* Index of the node named ID, or -1. */
int fs_flow_node_index(const fs_flow *f, const char *id);

/* Lays F out on the text block of PAGE (NULL: A4 portrait with the
 * GB/T 9704 margins 37/35/28/26 mm), measuring labels with FONTS.  The
 * drawing holds the 附件 label, the title, one shape per node (id = node
 * id), one connector per edge (in the file's order) and room for a legend
 * at the bottom.  Pinned boxes that overlap another, or a chart that only
 * fits scaled below 60 %, give a warning in DIAGS.  Never NULL; the caller
 * frees it with fs_drawing_free. */
fs_drawing *fs_flow_layout(const fs_flow *f, const fs_fontset *fonts,
                           const fs_page_setup *page, fs_diags *diags);

/* The node of F that the I-th event of D's history stands on, or -1 when
 * the event belongs to the other chart or to no node of F.  An event
 * belongs to the annual cycle (附件5) as its `annual` says (fs-set.h: it is
 * at the start of the annual chart, or follows an event there or at an
 * end of the creation chart); else to 附件4. */
int fs_flow_event_node(const fs_flow *f, const fs_dossier *d, size_t i);

/* Marks D's history on DR, a drawing fs_flow_layout made of F (call it
 * once per drawing): every box with events gets them as small dated notes
 * beside it, clear of every box, line and label ("2018年4月25日 通过", a
 * 不通过 in red) and a light blue fill (DONE); a review whose last outcome
 * is 不通过 a light red fill and red border (FAILED); the box of the last
 * event a light yellow fill and a thick red border (CURRENT), unless the
 * history goes on in the other chart; a start without a stage is DONE
 * once anything is marked.  The arrows along the way are drawn thicker in
 * dark blue, a 不通过 taken in red (state DONE / FAILED).  Below the chart
 * go the organisation's name with the date of its last event and a legend
 * of the marks.  FONTS measures the notes.  Returns the number of events
 * marked (0: only a line saying that the history has none for this
 * chart). */
int fs_flow_mark(const fs_flow *f, fs_drawing *dr, const fs_dossier *d,
                 const fs_fontset *fonts);

#endif
