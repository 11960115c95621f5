/*
 * fs-forms-private.h - what the forms loader (fs-forms-load.c with
 * fs-forms-read.c and fs-forms-blocks.c) and the builders (fs-form-text.c, fs-form-dossier.c, fs-form-statistics.c)
 * share: the forms template in memory, with every style resolved and
 * every text split into literal pieces, placeholders and blanks, and the
 * context of a document being built.  Not for use outside src/forms/.
 */
#ifndef FS_FORMS_PRIVATE_H
#define FS_FORMS_PRIVATE_H

#include "fs-form.h"

#include <libxml/tree.h>

#define MAX_COLS 20

/* ------------------------------------------------------------------------
 * The template in memory.
 * ---------------------------------------------------------------------- */

/* A text style, fully resolved. */
typedef struct tstyle {
    fs_font_role role;
    double size;                /* points                                  */
    fs_align align;
    double indent;              /* characters                              */
    double before, after;       /* mm                                      */
    double spacing;             /* multiple of the size                    */
    int keep;                   /* keep with next                          */
    unsigned flags;             /* FS_RUN_BOLD                             */
    int narrative;              /* split into paragraphs, indent, justify  */
    int kind;                   /* fs_para_kind; -1: the default of where
                                   the paragraph goes (body or cell)       */
} tstyle;

/* Placeholders, with the contexts they may be used in. */
typedef enum var_id {
    V_NAME, V_UNIT, V_TOWN, V_LEADER, V_PHONE, V_MEMBERS, V_FOUNDED, V_DATE,
    V_YEAR, V_STAR, V_HONORS, V_OPINION, V_REMARK, V_RUBRIC_TITLE,
    V_RUBRIC_REMARK, V_ISSUER, V_TOTAL, V_MAX, V_THRESHOLD, V_THRESHOLD_NAME,
    V_SHORTFALL,
    V_LABEL, V_SECTION, V_SECTION_NUMBER, V_SECTION_MAX, V_SUBTOTAL,
    V_SITUATION,
    V_COUNT, V_STAR0, V_STAR1, V_STAR2, V_STAR3, V_STAR4, V_STAR5,
    V_QUALIFIED, V_UNQUALIFIED, V_UNDETERMINED, V_AVERAGE,
    V_HELD_STAR, V_COMPLIANT, V_PROBLEMS, V_PLAN, V_STANDING_REMARK,
    V_TOWN_COUNT
} var_id;

/* Contexts: one dossier's form, a rubric section in it, the 统计表 as a
 * whole, one dossier's row of the 统计表, a town's group row. */
enum { CTX_FORM = 1, CTX_SECTION = 2, CTX_STATS = 4, CTX_ROW = 8, CTX_GROUP = 16 };

/* A placeholder's name, its id and the contexts (CTX_*) it may be used in. */
struct var_def {
    const char *name;
    var_id id;
    unsigned ctx;
};

/* One piece of a text: literal UTF-8, a placeholder, or a blank. */
typedef enum seg_kind { SEG_TEXT, SEG_VAR, SEG_BLANK } seg_kind;

typedef struct tseg {
    seg_kind kind;
    char *text;                 /* SEG_TEXT                                */
    var_id var;                 /* SEG_VAR                                 */
    int n, underline;           /* SEG_BLANK: N characters                 */
} tseg;

typedef struct tpara {
    tstyle st;
    tseg *segs;
    size_t nsegs;
} tpara;

typedef struct tcell {
    int label;                  /* <label>: repeats when its row splits    */
    int span;
    fs_valign valign;
    tpara *paras;               /* one pattern, or one per <p>             */
    size_t nparas;
    int multi;                  /* made of <p> elements: empty ones drop   */
} tcell;

typedef struct trow {
    int each_section;
    double min_height;
    int keep;
    tcell *cells;
    size_t ncells;
} trow;

/* Roles of the columns of <scores>. */
typedef enum col_role {
    ROLE_SECTION, ROLE_NUMBER, ROLE_STANDARD, ROLE_CHECK, ROLE_MAX,
    ROLE_SCORE, ROLE_NOTE, ROLE_COUNT
} col_role;

/* Roles of the columns of <evidence> (the 佐证材料目录). */
typedef enum idx_role {
    IDX_NUMBER, IDX_STANDARD, IDX_NOTE, IDX_CAPTION, IDX_FILE, IDX_PAGE,
    IDX_SHA, IDX_COUNT
} idx_role;

typedef struct ttable {
    size_t ncols;
    double widths[MAX_COLS];
    double pad_x, pad_y, border;
    /* <scores> */
    col_role roles[MAX_COLS];
    tpara heads[MAX_COLS];
    fs_valign head_valign;
    tstyle body[MAX_COLS];
    fs_valign body_valign[MAX_COLS];
    tpara *section;
    size_t nsection;
    fs_valign section_valign;
    tpara total;
    int has_total;
    /* <grid> */
    trow *rows;
    size_t nrows;
    /* <roster>: HEADS, HEAD_VALIGN and BODY_VALIGN as for <scores> */
    tpara vals[MAX_COLS];       /* a dossier's cell of each column         */
    tpara group;                /* the heading above each town's rows      */
    int has_group;
    tpara group_cont;           /* that heading on the pages a town's rows
                                   go on to: {town}（续）                  */
    int has_group_cont;
    char *yes, *no, *no_star;   /* 是否达标 是 / 否, 已获评的星级 none;
                                   <evidence>: 缺失, 无文件, 未附          */
    /* <evidence>: HEADS, HEAD_VALIGN, BODY, BODY_VALIGN as for <scores> */
    idx_role iroles[MAX_COLS];
    int standard_chars;         /* the standard cut after so many, 0: whole */
    char *none;                 /* printed when there are no rows          */
} ttable;

typedef enum block_kind {
    B_PARA, B_FIELDS, B_SPACER, B_SCORES, B_SUMMARY, B_GRID, B_ROSTER,
    B_EVIDENCE
} block_kind;

typedef struct tblock {
    block_kind kind;
    tpara *paras;               /* B_PARA: 1; B_FIELDS: one per field;
                                   B_SUMMARY: qualified, shortfall, unrated */
    size_t nparas;
    double *widths;             /* B_FIELDS                                */
    double height;              /* B_SPACER                                */
    ttable *table;              /* B_SCORES, B_GRID, B_ROSTER, B_EVIDENCE  */
} tblock;

typedef struct tform {
    tpara title, subject, keywords;     /* metadata patterns               */
    fs_page_setup page;         /* the template's, or the form's own       */
    tblock *blocks;
    size_t nblocks;
    tpara running;              /* <running>: the head of pages 2, 3 …     */
    int has_running;
} tform;

/* The kinds of form, which decide the blocks and placeholders allowed. */
typedef enum form_kind { FORM_SHEET, FORM_APP, FORM_STATS, FORM_INDEX } form_kind;

struct fs_forms {
    char *path;
    char *id;
    fs_page_setup page;
    char *stars[6];             /* display names of star levels 1..5       */
    tform sheet, app, stats, index;
    int has_stats;              /* the template has <statistics>           */
    int has_index;              /* the template has <evidence-index>       */
    char **towns;               /* <towns>: the 统计表's order of towns     */
    size_t ntowns;
    size_t other_rank;          /* where towns not listed go (<other/>)    */
};

/* ------------------------------------------------------------------------
 * Building: values of placeholders.
 * ---------------------------------------------------------------------- */

typedef struct bctx {
    const fs_forms *f;
    const fs_rubric *r;         /* NULL outside a dossier (统计表 as a whole) */
    const fs_dossier *d;
    const fs_result_sheet *s;
    int section;                /* index into r->sections, -1 outside      */
    /* 统计表 */
    const fs_stats_summary *sum;
    const fs_stats_row *row;    /* the row being built, or NULL            */
    const ttable *roster;
    size_t town_count;          /* rows of the town of a <group> row       */
    int no_lines;               /* runs carry no dossier line (several
                                   dossiers share the document)           */
    char buf[64];
} bctx;

/* Where paragraphs go: the document or a cell. */
typedef struct target {
    fs_doc *doc;
    fs_cell *cell;
} target;

/* ------------------------------------------------------------------------
 * fs-forms-read.c: what every loader of the template reads.
 * ---------------------------------------------------------------------- */

/* The state of one load of a template. */
typedef struct loader {
    const char *path;
    fs_diags *diags;
    size_t errors;
    double text_width;          /* mm, the text block                      */
} loader;

/* The attributes of a style, for fs_forms_read_attrs lists. */
#define STYLE_ATTRS "font size align indent line-spacing space-before " \
    "space-after keep-with-next bold"
/* ... and those of an element that makes paragraphs (kind: fs_para_kind). */
#define PARA_ATTRS STYLE_ATTRS " kind"
/* The values of kind, in fs_para_kind order. */
#define KIND_WORDS "body attachment title subtitle heading cell note signature"

/* The default style of a document paragraph. */
extern const tstyle fs_forms_read_base_style;

/* Frees the pieces of P (not P itself) and leaves it empty. */
void fs_forms_read_para_free(tpara *p);
/* Reports a problem of the template at NODE's line and counts it. */
void fs_forms_read_error(loader *ld, xmlNodePtr node, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Is N an element named NAME? */
int fs_forms_read_is(xmlNodePtr n, const char *name);
/* Reports every attribute of NODE whose name is not in the space-separated
 * list ALLOWED (print is allowed everywhere). */
void fs_forms_read_attrs(loader *ld, xmlNodePtr node, const char *allowed);
/* Attribute NAME of NODE as a number in [LO, HI] into *OUT (left alone
 * when absent); 1 when it was set. */
int fs_forms_read_number(loader *ld, xmlNodePtr node, const char *name,
                         double lo, double hi, double *out);
/* Attribute NAME of NODE as the index of one of the space-separated
 * WORDS; DEF when absent or wrong. */
int fs_forms_read_enum(loader *ld, xmlNodePtr node, const char *name,
                       const char *words, int def);
/* Attribute NAME of NODE as yes (1) or no (0); DEF when absent or wrong. */
int fs_forms_read_yesno(loader *ld, xmlNodePtr node, const char *name, int def);
/* The style of NODE: PARENT's with NODE's attributes applied. */
tstyle fs_forms_read_style(loader *ld, xmlNodePtr node, const tstyle *parent);
/* The valign attribute of NODE; DEF when absent or wrong. */
fs_valign fs_forms_read_valign(loader *ld, xmlNodePtr node, fs_valign def);
/* Splits TEXT (of NODE) into literals and placeholders allowed in CTX,
 * appended to P. */
void fs_forms_read_text(loader *ld, xmlNodePtr node, const char *text,
                        unsigned ctx, tpara *p);
/* The mixed content of NODE (text and <blank/>) as a pattern in style
 * ST; other elements are errors unless ALLOW_P (<p>, the caller's). */
tpara fs_forms_read_pattern(loader *ld, xmlNodePtr node, tstyle st,
                            unsigned ctx, int allow_p);
/* Is P nothing but white space? */
int fs_forms_read_empty(const tpara *p);

/* ------------------------------------------------------------------------
 * fs-forms-blocks.c: the blocks of a form, appended to F.
 * ---------------------------------------------------------------------- */

/* Appends block B to form F, which takes over what B holds. */
void fs_forms_blocks_add(tform *f, tblock b);
/* <fields>: a line of fields set as a table without rules. */
void fs_forms_blocks_fields(loader *ld, xmlNodePtr node, tform *f);
/* <scores>: the rubric as a table, one row per item. */
void fs_forms_blocks_scores(loader *ld, xmlNodePtr node, tform *f);
/* <summary>: the paragraphs under the scores table. */
void fs_forms_blocks_summary(loader *ld, xmlNodePtr node, tform *f);
/* <grid>: a table of fixed rows and cells. */
void fs_forms_blocks_grid(loader *ld, xmlNodePtr node, tform *f);
/* <roster> (the 统计表), or with INDEX <evidence> (the 佐证材料目录). */
void fs_forms_blocks_roster(loader *ld, xmlNodePtr node, tform *f, int index);

/* ------------------------------------------------------------------------
 * fs-form-text.c: placeholders, their values, and paragraphs.
 * ---------------------------------------------------------------------- */

/* The placeholder named by the LEN bytes at NAME, or NULL. */
const struct var_def *fs_form_text_var(const char *name, size_t len);
/* Writes into BUF (SIZE bytes) where the placeholders of context set CTX
 * may be used, for messages; returns BUF. */
const char *fs_form_text_where(unsigned ctx, char *buf, size_t size);
/* T as "93" or "19.5", in X->buf. */
const char *fs_form_text_tenths(bctx *x, fs_tenths t);
/* The whole text of pattern P as one malloc'd string. */
char *fs_form_text_flat(bctx *x, const tpara *p);
/* Emits pattern P into T with the placeholders of X filled in; returns
 * the number of paragraphs added (0 when SKIP_EMPTY and it is empty). */
size_t fs_form_text_emit(target t, const tpara *p, bctx *x, int skip_empty);
/* Adds TEXT (one paragraph per line) to cell C in style ST. */
void fs_form_text_literal(fs_cell *c, const tstyle *st, const char *text, long line);
/* A new document for FORM: page and metadata from the template, AUTHOR. */
fs_doc *fs_form_text_doc(const tform *form, bctx *x, const char *author);
/* Adds a table with TT's columns, padding and rules to DOC. */
fs_table *fs_form_text_table(fs_doc *doc, const ttable *tt);
/* Adds TT's header row to T. */
void fs_form_text_head_row(fs_table *t, const ttable *tt, bctx *x);
/* ------------------------------------------------------------------------
 * fs-form-dossier.c: blocks shared by the forms of one dossier.
 * ---------------------------------------------------------------------- */

/* A line of fields: a table without rules or padding. */
void fs_form_dossier_fields(fs_doc *doc, const tblock *b, bctx *x);

/* Vertical space of B->height mm: an empty paragraph that tall. */
void fs_form_text_spacer(fs_doc *doc, const tblock *b);

#endif
