/*
 * fs-docx-private.h - what the modules of the DOCX backend share.
 *
 *   fs-docx.c                the packager: the only module that knows zip
 *   fs-docx-xml.c            fs_dx, a libxml2 xmlTextWriter with a sticky
 *                            error, and unit conversions
 *   fs-docx-fonts.c          fs_docx_ctx: which font draws what, the
 *                            paragraph styles, subsets and obfuscation
 *   fs-docx-content-types.c  [Content_Types].xml
 *   fs-docx-rels.c           every relationships part (*.rels)
 *   fs-docx-write.c          the element writers the parts share: runs,
 *                            run properties, paragraph layout
 *   fs-docx-document.c       word/document.xml
 *   fs-docx-grid.c           the column grid of a table (spans resolved)
 *   fs-docx-drawing.c        a drawing (fs-draw.h) in word/document.xml as
 *                            one group of shapes
 *   fs-docx-styles.c         word/styles.xml
 *   fs-docx-settings.c       word/settings.xml
 *   fs-docx-fonttable.c      word/fontTable.xml
 *   fs-docx-footer.c         word/footer1.xml (odd pages), footer2.xml (even)
 *   fs-docx-header.c         word/header1.xml (running head), header2.xml (first)
 *   fs-docx-core.c           docProps/core.xml
 *   fs-docx-app.c            docProps/app.xml
 *
 * Each part module has fs_docx_PART_new / _free (NULL-safe) / _write, and
 * one small static function per XML element, named after the element.
 * Writers never fail half-way visibly: an fs_dx remembers its first error
 * and ignores everything after it, and the part's caller checks x->err.
 */
#ifndef FS_DOCX_PRIVATE_H
#define FS_DOCX_PRIVATE_H

#include "fs-docx.h"

#include <libxml/xmlwriter.h>

/* ------------------------------------------------------------------------
 * fs-docx-xml.c: writing XML.
 * ---------------------------------------------------------------------- */

#define FS_DX_NS_W "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
#define FS_DX_NS_R "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
#define FS_DX_REL "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"

/* An XML writer into memory: the bytes, the names of the open elements
 * (NUL-separated in NAMES, their offsets in AT), whether the last start
 * tag is still open (attributes may follow), and the first error.  It
 * writes exactly what libxml2's xmlTextWriter wrote without indentation
 * (the same escaping, <a/> for an empty element), several times faster. */
typedef struct fs_dx {
    fs_buf b;
    fs_buf names;
    size_t *at;
    size_t depth, cap;
    int open;
    int err;
} fs_dx;

void fs_dx_init(fs_dx *x);                      /* an empty writer           */
void fs_dx_finish(fs_dx *x);                    /* closes all, final newline */
void fs_dx_free(fs_dx *x);
void fs_dx_decl(fs_dx *x);                      /* <?xml … standalone="yes"?> */
void fs_dx_start(fs_dx *x, const char *name);
void fs_dx_end(fs_dx *x);
void fs_dx_attr(fs_dx *x, const char *name, const char *value);
void fs_dx_attr_int(fs_dx *x, const char *name, long v);
/* Character data: the N bytes of UTF-8 at S, escaped; characters XML 1.0
 * forbids are dropped. */
void fs_dx_text(fs_dx *x, const char *s, size_t n);
void fs_dx_empty(fs_dx *x, const char *name);                   /* <N/>       */
void fs_dx_val(fs_dx *x, const char *name, const char *val);    /* <N w:val/> */
void fs_dx_val_int(fs_dx *x, const char *name, long v);
void fs_dx_element(fs_dx *x, const char *name, const char *text); /* <N>t</N> */

/* Runs WRITE(SELF, x) on a fresh writer into memory and returns the bytes
 * in *OUT (malloc'd, NUL-terminated) and *LEN.  FS_OK or FS_E_NOMEM. */
typedef void (*fs_dx_write_fn)(const void *self, fs_dx *x);
fs_error fs_dx_to_memory(fs_dx_write_fn write, const void *self,
                         char **out, size_t *len);

/* Units: millimetres to twips (1/1440 inch) and points to twips and to
 * half-points, rounded to the nearest integer (no text formatting of
 * floating point anywhere, so the locale cannot change a byte). */
long fs_dx_mm(double mm);
long fs_dx_pt(double pt);
long fs_dx_hps(double pt);

/* ------------------------------------------------------------------------
 * fs-docx-fonts.c: the rendering context.
 * ---------------------------------------------------------------------- */

/* The paragraph styles of styles.xml. */
typedef enum fs_dx_style {
    FS_DX_NARRATIVE,            /* body text outside tables              */
    FS_DX_ATTACHMENT,           /* 附件1                                 */
    FS_DX_TITLE,                /* the form's title                      */
    FS_DX_TABLE,                /* text in table cells                   */
    FS_DX_NSTYLES
} fs_dx_style;

const char *fs_dx_style_id(fs_dx_style s);
const char *fs_dx_style_name(fs_dx_style s);
/* Fills *P (with the one empty run *R) with the look of style S in the
 * forms template, for a style the document does not use. */
void fs_dx_style_default(fs_dx_style s, fs_para *p, fs_run *r);

/* The run properties of a style: its runs name only what differs. */
typedef struct fs_dx_style_props {
    int font;                   /* w:eastAsia (docx font index)           */
    long hps;                   /* w:sz                                   */
    int bold;
} fs_dx_style_props;
/* The style of P, a paragraph of the document body or (IN_CELL) of a cell,
 * from its kind (fs_para_kind). */
fs_dx_style fs_dx_para_style(const fs_para *p, int in_cell);

/* One w:font of fontTable.xml. */
typedef struct fs_dx_font {
    char *name;                 /* w:name: an office font's name (the
                                   latin face's own family), which is
                                   also the family of the embedded subset */
    char *alt_name;             /* w:altName or NULL: its English name    */
    int face;                   /* the fontset face it embeds, or -1      */
    int cjk;                    /* w:charset 86 (GB2312) rather than 00   */
    int serif;                  /* w:family roman rather than swiss       */
    uint32_t *cps;              /* code points drawn with it (sorted and
                                   unique after fs_docx_ctx_new)          */
    size_t ncps, cap;
    unsigned char *odttf;       /* obfuscated subset once embedded        */
    size_t odttf_len;
    size_t *cuts, ncuts;        /* where to cut it for deflating
                                   (fs_sfnt_cuts of the plain subset)     */
    char key[39];               /* w:fontKey "{XXXXXXXX-XXXX-…}"          */
} fs_dx_font;

/* What every part needs to know about one document: built once by
 * fs_docx_ctx_new, read by the part writers. */
typedef struct fs_docx_ctx {
    const fs_doc *doc;
    const fs_fontset *fonts;
    fs_diags *diags;
    int office;                 /* fs_docx_options.office_fonts           */
    fs_dx_font *fontv;
    size_t nfonts;
    int role_font[FS_ROLE_COUNT]; /* w:eastAsia of each role's own text  */
    int latin;                  /* w:ascii and w:hAnsi                    */
    const fs_para *style_para[FS_DX_NSTYLES];   /* first of each style   */
    fs_dx_style_props style[FS_DX_NSTYLES];     /* the most common run
                                                   look of each style     */
} fs_docx_ctx;

/* Page numbers: "— N —" in 4号 song; the em dashes and spaces around the
 * PAGE field. */
#define FS_DX_PAGENUM_PT FS_PT_HAO4
#define FS_DX_PAGENUM_LEFT "\xE2\x80\x94 "      /* "— " */
#define FS_DX_PAGENUM_RIGHT " \xE2\x80\x94"     /* " —" */

/* Builds the context of DOC with FONTS: maps roles and faces to docx
 * fonts, records every code point each font draws and the first paragraph
 * of each style.  OPT may be NULL.  Never fails (memory exhaustion
 * aborts); free with fs_docx_ctx_free. */
fs_docx_ctx *fs_docx_ctx_new(const fs_doc *doc, const fs_fontset *fonts,
                             const fs_docx_options *opt, fs_diags *diags);
void fs_docx_ctx_free(fs_docx_ctx *c);

/* Is NAME one of the East Asian fonts of an office PC (宋体, 黑体, 楷体,
 * 仿宋 and their _GB2312 forms, 方正小标宋简体, 微软雅黑)? */
int fs_docx_office_font(const char *name);

/* The docx font that draws the non-ASCII code point CP of a run of ROLE
 * (the latin font for ASCII). */
int fs_docx_ctx_font(const fs_docx_ctx *c, fs_font_role role, uint32_t cp);

/* The length in bytes of the first piece of S (a run of ROLE) whose
 * non-ASCII characters all take the same docx font, stored in *FONT (the
 * role's font for a piece of ASCII only).  0 at the end of S. */
size_t fs_docx_ctx_segment(const fs_docx_ctx *c, fs_font_role role,
                           const char *s, int *font);

/* Subsets and obfuscates every font that draws something and may be
 * embedded (nothing with office fonts).  FS_OK, or FS_E_FONT with a
 * message naming the font file in C->diags. */
fs_error fs_docx_ctx_embed(fs_docx_ctx *c);

/* Is a face with this OS/2 fsType embeddable in an editable document?
 * (0 installable, or bit 0x08 editable: what Word and LibreOffice take.) */
int fs_docx_fstype_ok(unsigned fstype);

/* The w:fontKey for font NAME embedded as a subset of the N code points
 * CPS: an uppercase GUID "{XXXXXXXX-XXXX-4XXX-YXXX-XXXXXXXXXXXX}" derived
 * from a hash of both (the same subset of the same font gives the same
 * subset bytes), so equal input gives an equal key on every machine.
 * OUT has 39 bytes. */
void fs_docx_font_key(const char *name, const uint32_t *cps, size_t n,
                      char out[39]);

/* XORs the first 32 bytes of DATA with the key of GUID KEY as ECMA-376
 * §17.8.1 says (its 16 bytes in reverse text order, twice).  Applying it
 * twice gives the font back.  Returns 0, or -1 when KEY is not a GUID. */
int fs_docx_obfuscate(unsigned char *data, size_t len, const char *key);

/* ------------------------------------------------------------------------
 * Parts.
 * ---------------------------------------------------------------------- */

/* [Content_Types].xml: Default by extension, Override by part name. */
typedef struct fs_docx_content_types fs_docx_content_types;
fs_docx_content_types *fs_docx_content_types_new(void);
void fs_docx_content_types_free(fs_docx_content_types *self);
void fs_docx_content_types_add_default(fs_docx_content_types *self,
                                       const char *ext, const char *type);
void fs_docx_content_types_add_override(fs_docx_content_types *self,
                                        const char *part, const char *type);
void fs_docx_content_types_write(const void *self, fs_dx *x);

/* A relationships part: rId1, rId2, … in the order added. */
typedef struct fs_docx_rels fs_docx_rels;
fs_docx_rels *fs_docx_rels_new(void);
void fs_docx_rels_free(fs_docx_rels *self);
/* Adds a relationship of TYPE (a full URI) to TARGET and returns its id
 * ("rId3"), owned by SELF. */
const char *fs_docx_rels_add(fs_docx_rels *self, const char *type,
                             const char *target);
void fs_docx_rels_write(const void *self, fs_dx *x);

/* The relationship ids of a section's headers and footers; NULL where
 * there is none.  ODD and EVEN: the page-number footers; HEAD: the
 * running head of every page but the first; FIRST: the first page's
 * (empty) header, which comes with w:titlePg. */
typedef struct fs_docx_hf {
    const char *odd, *even, *head, *first;
} fs_docx_hf;

/* word/document.xml with the headers and footers of HF (the strings must
 * outlive SELF). */
typedef struct fs_docx_document fs_docx_document;
fs_docx_document *fs_docx_document_new(const fs_docx_ctx *c, fs_docx_hf hf);
void fs_docx_document_free(fs_docx_document *self);
void fs_docx_document_write(const void *self, fs_dx *x);

/* Element writers of word/document.xml that tests/test-docx.c checks. */

/* How a w:tc takes part in a vertical merge. */
typedef enum fs_docx_vmerge {
    FS_DOCX_VMERGE_NONE, FS_DOCX_VMERGE_RESTART, FS_DOCX_VMERGE_CONTINUE
} fs_docx_vmerge;

/* fs-docx-grid.c: the grid of a table in twips and which cell covers
 * each slot. */
/* The grid of a table in twips and which cell covers each slot. */
typedef struct fs_docx_grid {
    size_t nrows, ncols;
    long *cols;                 /* column widths, twips                  */
    const fs_cell **own;        /* [row * ncols + col]: covering cell    */
    size_t *origin;             /* [row * ncols + col]: its first row    */
} fs_docx_grid;
/* A span V clamped to 1..MAX. */
int fs_docx_grid_span(int v, size_t max);
/* Lays out T into G; free with fs_docx_grid_free. */
void fs_docx_grid_build(fs_docx_grid *g, const fs_table *t);
/* Frees what fs_docx_grid_build allocated (not G). */
void fs_docx_grid_free(fs_docx_grid *g);
/* The width in twips of NCOLS grid columns from COL. */
long fs_docx_grid_width(const fs_docx_grid *g, size_t col, size_t ncols);

/* The <w:pPr> of P in style ST, with pageBreakBefore when BREAK_BEFORE. */
void fs_docx_document_write_ppr(fs_dx *x, const fs_docx_ctx *c, const fs_para *p,
                                fs_dx_style st, int break_before);
/* The <w:tblPr> of T, WIDTH twips wide. */
void fs_docx_document_write_tblpr(fs_dx *x, const fs_table *t, long width);
/* The <w:tblGrid> of G. */
void fs_docx_document_write_tblgrid(fs_dx *x, const fs_docx_grid *g);
/* The <w:tc> of CELL, WIDTH twips wide over COLSPAN grid columns, taking
 * part in a vertical merge as VM says. */
void fs_docx_document_write_tc(fs_dx *x, const fs_docx_ctx *c, const fs_cell *cell,
                               long width, int colspan, fs_docx_vmerge vm);
/* The <w:trPr> of R (nothing when R has no property). */
void fs_docx_document_write_trpr(fs_dx *x, const fs_row *r);
/* The <w:tr> of row R of T on grid G. */
void fs_docx_document_write_tr(fs_dx *x, const fs_docx_ctx *c, const fs_table *t,
                               const fs_docx_grid *g, size_t r);
/* The <w:sectPr> of page setup PG with the headers and footers of HF. */
void fs_docx_document_write_sectpr(fs_dx *x, const fs_page_setup *pg,
                                   const fs_docx_hf *hf);

/* fs-docx-write.c: the element writers the parts share. */

/* The run properties the parts share: <w:rPr> with rFonts (latin for
 * ASCII, FONT for the rest), bold, size and underline of FLAGS.  With a
 * style ST (>= 0) only what differs from the style is written, and nothing
 * at all when nothing differs; ST < 0 writes everything. */
void fs_docx_write_rpr(fs_dx *x, const fs_docx_ctx *c, int font,
                       double size, unsigned flags, int st);
/* <w:rFonts> naming the latin font and FONT. */
void fs_docx_write_rfonts(fs_dx *x, const fs_docx_ctx *c, int font);
/* <w:sz> and <w:szCs> for SIZE points. */
void fs_docx_write_sz(fs_dx *x, double size);
/* Write the <w:spacing> of a 1-point line, no space before or after. */
void fs_docx_write_thin_spacing(fs_dx *x);
/* The largest run size of P in points, 0 without runs. */
double fs_docx_write_para_size(const fs_para *p);
/* The paragraph layout the parts share, in schema order: <w:spacing>
 * (exact line pitch), <w:ind> when P is indented, <w:jc>. */
void fs_docx_write_para_layout(fs_dx *x, const fs_para *p);
/* The runs of TEXT in ROLE, SIZE and FLAGS in a paragraph of style ST
 * (-1: none): one w:r per font piece. */
void fs_docx_write_text_runs(fs_dx *x, const fs_docx_ctx *c, const char *text,
                             fs_font_role role, double size, unsigned flags,
                             int st);

/* fs-docx-drawing.c: the xmlns:wp, xmlns:a and xmlns:wps attributes of
 * the shapes, on the element just opened (w:document), when DOC holds a
 * drawing; nothing otherwise. */
void fs_docx_drawing_namespaces(fs_dx *x, const fs_doc *doc);
/* A paragraph (with pageBreakBefore when BREAK_BEFORE) anchoring DR as one
 * group (wpg:wgp) of shapes placed on the page, its arrows connectors
 * attached to their boxes; *ID is the next unique docPr/cNvPr id of the
 * document and advances. */
void fs_docx_drawing_write(fs_dx *x, const fs_docx_ctx *c, const fs_drawing *dr,
                           int break_before, long *id);

/* word/styles.xml */
typedef struct fs_docx_styles fs_docx_styles;
fs_docx_styles *fs_docx_styles_new(const fs_docx_ctx *c);
void fs_docx_styles_free(fs_docx_styles *self);
void fs_docx_styles_write(const void *self, fs_dx *x);

/* word/settings.xml */
typedef struct fs_docx_settings fs_docx_settings;
fs_docx_settings *fs_docx_settings_new(const fs_docx_ctx *c);
void fs_docx_settings_free(fs_docx_settings *self);
void fs_docx_settings_write(const void *self, fs_dx *x);

/* word/fontTable.xml.  RIDS[i] is the relationship id of font i's
 * embedded file, NULL where it is not embedded; borrowed. */
typedef struct fs_docx_fonttable fs_docx_fonttable;
fs_docx_fonttable *fs_docx_fonttable_new(const fs_docx_ctx *c,
                                         const char *const *rids);
void fs_docx_fonttable_free(fs_docx_fonttable *self);
void fs_docx_fonttable_write(const void *self, fs_dx *x);

/* word/footerN.xml: the page number, right (odd pages) or left (EVEN). */
typedef struct fs_docx_footer fs_docx_footer;
fs_docx_footer *fs_docx_footer_new(const fs_docx_ctx *c, int even);
void fs_docx_footer_free(fs_docx_footer *self);
void fs_docx_footer_write(const void *self, fs_dx *x);
/* The footer distance (w:footer, twips) that puts the top of the page
 * number's line 7 mm below the text block. */
long fs_docx_footer_distance(const fs_page_setup *page);

/* word/headerN.xml: the running head RUNNING (fs_doc.running), or an
 * empty header for the first page when RUNNING is NULL. */
typedef struct fs_docx_header fs_docx_header;
fs_docx_header *fs_docx_header_new(const fs_docx_ctx *c, const fs_cell *running);
void fs_docx_header_free(fs_docx_header *self);
void fs_docx_header_write(const void *self, fs_dx *x);

/* docProps/core.xml */
typedef struct fs_docx_core fs_docx_core;
fs_docx_core *fs_docx_core_new(const fs_doc *doc);
void fs_docx_core_free(fs_docx_core *self);
void fs_docx_core_write(const void *self, fs_dx *x);

/* docProps/app.xml */
typedef struct fs_docx_app fs_docx_app;
fs_docx_app *fs_docx_app_new(const fs_doc *doc);
void fs_docx_app_free(fs_docx_app *self);
void fs_docx_app_write(const void *self, fs_dx *x);

#endif
