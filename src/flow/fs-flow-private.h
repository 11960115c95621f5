/*
 * fs-flow-private.h - what the flowchart files share and nobody else sees:
 * the geometry of a layout in progress (boxes, wrapped labels, routes,
 * obstacles), the sets of sizes, the colours of the marks, and the helpers
 * of fs-flow-geom.c (measuring and wrapping labels, finding free space)
 * that fs-flow-layout.c, fs-flow-route.c and fs-flow-mark.c call.
 *
 * The files: fs-flow-load.c reads a chart; fs-flow-layout.c lays it out
 * (layers, columns, boxes, labels, fitting the page) with the arrows
 * routed by fs-flow-route.c; fs-flow-mark.c marks a dossier's history on
 * the drawing.
 */
#ifndef FS_FLOW_PRIVATE_H
#define FS_FLOW_PRIVATE_H

#include "fs-flow.h"
#include "fs-text.h"

#define PT_MM (25.4 / 72.0)             /* one point in millimetres        */
#define EPS 1e-6

/* Colours of the plain chart and of the marks. */
#define C_BLACK     0x000000u
#define C_WHITE     0xFFFFFFu
#define C_RED       0xC00000u           /* current border, 不通过           */
#define C_PATH      0x1F4E79u           /* the arrows of the dossier's path */
#define C_DONE      0xDDEBF7u           /* fill of a box passed through     */
#define C_CURRENT   0xFFF2CCu           /* fill of the current box          */
#define C_FAILED    0xF8D7D7u           /* fill of a failed review          */
#define C_NOTE      0x333333u

typedef struct rect { double x, y, w, h; } rect;

/* A label broken into lines, each malloc'd, with their widths in mm. */
typedef struct wrapped {
    char **lines;
    double *widths;
    size_t n;
    double width;               /* the widest line                         */
} wrapped;

typedef struct obstacles {
    rect *v;
    size_t n, cap;
} obstacles;

/* One set of sizes; the layout tries them in order until the chart fits. */
typedef struct params {
    double k;                   /* type sizes: times the file's sizes      */
    double maxw;                /* widest box, mm                          */
    double padx, pady;          /* label to border, mm                     */
    double colgap, layergap;    /* between boxes, mm                       */
    double clear;               /* arrows keep this far from boxes, mm     */
} params;

typedef struct lnode {
    int layer, col;
    int anchor;                 /* beside this node, or -1                 */
    int rank;                   /* anchored: 0 branch, 1 input, 2 side     */
    int placed;
    rect box;
    double inset, radius;
    wrapped text;
} lnode;

typedef struct route {
    fs_draw_point *pts;
    size_t n;
} route;

typedef struct layout {
    const fs_flow *f;
    const fs_fontset *fonts;
    params p;
    double size, esize;         /* points                                  */
    double lead, elead;         /* mm                                      */
    size_t n, m;                /* nodes, edges                            */
    lnode *nd;
    int *back;                  /* per edge: leads back                    */
    int nlayers, cmin, cmax;
    route *rt;                  /* per edge                                */
    unsigned char *port_used;   /* per node: 4 sides x 3 places            */
    wrapped *etext;             /* per edge: its label, n == 0: none       */
    rect *lab;                  /* per edge: where the label went          */
    int ok;                     /* every arrow routed, every label placed  */
    int pinned;                 /* some box is pinned                      */
} layout;

#define LABEL_MARGIN 0.5        /* label box to anything else, mm          */
#define LINE_HW      0.35       /* half width of a line as an obstacle     */
#define ARROW_HW     1.2        /* half width of an arrowhead as one       */

/* fs-flow-geom.c: see the comment above each definition there. */
double fs_flow_text_width(const fs_fontset *fs, fs_font_role role, double size,
                          const char *s);
void fs_flow_wrap(const fs_fontset *fs, fs_font_role role, double size,
                  const char *text, double maxw, int balance, wrapped *out);
void fs_flow_wrapped_free(wrapped *w);
void fs_flow_put_lines(fs_draw_text *t, const wrapped *w, fs_font_role role,
                       double size, double leading, uint32_t color,
                       fs_align align, rect box);
void fs_flow_obst_add(obstacles *o, rect r);
void fs_flow_obst_add_line(obstacles *o, const fs_draw_point *p, size_t n,
                           double hw, int arrow, double alen, double ahw);
int fs_flow_overlaps(rect a, rect b);
int fs_flow_obst_clear(const obstacles *o, rect r, double margin, rect bounds);
int fs_flow_search_free(const obstacles *o, double x, double y, double w,
                        double h, double radius, double margin, rect bounds,
                        rect *out);

/* fs-flow-route.c: routes every arrow of L (into L->rt), clearing L->ok
 * when one cannot be routed. */
void fs_flow_route_all(layout *L);

#endif
