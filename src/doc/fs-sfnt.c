/*
 * fs-sfnt.c - the table structure of a TrueType font file (fs-sfnt.h):
 * where to cut it, and a copy with one table replaced.  Every offset read
 * is checked against the file's length: a file it does not understand
 * gives no cuts or no copy, never a crash.
 */
#include "fs-sfnt.h"
#include "fs-base.h"
#include "fs-zcache.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* A cut inside glyf: once a piece holds PIECE_MIN bytes, after a glyph
 * whose hash ANDed with CUT_MASK is zero; always by PIECE_MAX (the
 * longest piece fs-zcache deflates alone). */
#define PIECE_MIN 8192u
#define PIECE_MAX FS_ZCACHE_PIECE_MAX
#define CUT_MASK 7u
/* A table this long or longer is a piece of its own (or several); shorter
 * ones share a piece with the tables beside them, since each piece costs
 * a few bytes of block header and ending. */
#define TABLE_PIECE 1024u

/* Big-endian reads; the caller has checked the bounds. */
static uint32_t get16(const unsigned char *p)
{
    return (uint32_t)p[0] << 8 | p[1];
}

static uint32_t get32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* The number of table records of the font file FONT (LEN bytes), or 0
 * when it is not a TrueType file (version 1.0 or 'true') whose directory
 * fits in it. */
static unsigned directory(const unsigned char *font, size_t len)
{
    unsigned ntables;

    if (len < 12 || (get32(font) != 0x00010000u && get32(font) != 0x74727565u))
        return 0;
    ntables = get16(font + 4);
    return 12 + 16 * (size_t)ntables <= len ? ntables : 0;
}

/* A table of the file: where it is. */
typedef struct sfnt_table {
    size_t off, len;
} sfnt_table;

/* Finds table TAG in the directory of FONT (LEN bytes, NTABLES records,
 * already checked to fit).  Returns 0 and fills *T, or -1 when it is
 * missing or does not fit in the file. */
static int find_table(const unsigned char *font, size_t len, unsigned ntables,
                      const char tag[4], sfnt_table *t)
{
    for (unsigned i = 0; i < ntables; i++) {
        const unsigned char *r = font + 12 + 16 * (size_t)i;

        if (r[0] == (unsigned char)tag[0] && r[1] == (unsigned char)tag[1] &&
            r[2] == (unsigned char)tag[2] && r[3] == (unsigned char)tag[3]) {
            t->off = get32(r + 8);
            t->len = get32(r + 12);
            return t->off <= len && t->len <= len - t->off ? 0 : -1;
        }
    }
    return -1;
}

/* A hash of glyph G (N bytes): its length and its first bytes (the number
 * of contours and the bounding box, which differ from glyph to glyph). */
static uint32_t glyph_hash(const unsigned char *g, size_t n)
{
    uint32_t h = 2166136261u ^ (uint32_t)n;

    for (size_t i = 0; i < n && i < 16; i++)
        h = (h ^ g[i]) * 16777619u;
    return h ^ h >> 15;
}

/* Appends offset AT to the cuts. */
static void add_cut(size_t **cuts, size_t *n, size_t *cap, size_t at)
{
    if (*n == *cap) {
        *cap = *cap ? 2 * *cap : 64;
        *cuts = fs_xrealloc(*cuts, *cap * sizeof **cuts);
    }
    (*cuts)[(*n)++] = at;
}

/* qsort order of offsets. */
static int off_cmp(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;

    return x < y ? -1 : x > y;
}

/* Cuts inside the glyf table GLYF, whose glyph offsets are in LOCA (short
 * offsets when SHORT_LOCA), appended to the cuts.  Stops at the first
 * glyph that does not fit. */
static void glyf_cuts(const unsigned char *font, sfnt_table glyf, sfnt_table loca,
                      int short_loca, size_t **cuts, size_t *n, size_t *cap)
{
    size_t width = short_loca ? 2 : 4, nglyphs = loca.len / width;
    size_t piece = 0, prev = 0;

    for (size_t g = 0; g + 1 < nglyphs; g++) {
        const unsigned char *e = font + loca.off + g * width;
        size_t from = short_loca ? 2 * (size_t)get16(e) : get32(e);
        size_t to = short_loca ? 2 * (size_t)get16(e + width) : get32(e + width);

        if (from != prev || to < from || to > glyf.len)
            return;
        prev = to;
        piece += to - from;
        if (to < glyf.len &&
            (piece >= PIECE_MAX ||
             (piece >= PIECE_MIN && (glyph_hash(font + glyf.off + from, to - from) & CUT_MASK) == 0))) {
            add_cut(cuts, n, cap, glyf.off + to);
            piece = 0;
        }
    }
}

/* Where to cut FONT into pieces; see fs-sfnt.h. */
size_t fs_sfnt_cuts(const unsigned char *font, size_t len, size_t **cuts)
{
    size_t n = 0, cap = 0, k = 0;
    unsigned ntables;
    sfnt_table head, loca, glyf;

    *cuts = NULL;
    ntables = directory(font, len);
    for (unsigned i = 0; i < ntables; i++) {
        const unsigned char *r = font + 12 + 16 * (size_t)i;
        size_t off = get32(r + 8), tlen = get32(r + 12);

        if (tlen < TABLE_PIECE || off >= len || tlen > len - off)
            continue;               /* small tables go with their neighbours */
        if (off > 0)
            add_cut(cuts, &n, &cap, off);
        if (off + tlen < len)
            add_cut(cuts, &n, &cap, off + tlen);
    }
    if (find_table(font, len, ntables, "head", &head) == 0 && head.len >= 54 &&
        find_table(font, len, ntables, "loca", &loca) == 0 &&
        find_table(font, len, ntables, "glyf", &glyf) == 0)
        glyf_cuts(font, glyf, loca, get16(font + head.off + 50) == 0, cuts, &n, &cap);
    if (n == 0)
        return 0;
    qsort(*cuts, n, sizeof **cuts, off_cmp);
    for (size_t i = 0; i < n; i++)          /* drop repeats */
        if (k == 0 || (*cuts)[i] != (*cuts)[k - 1])
            (*cuts)[k++] = (*cuts)[i];
    return k;
}

/* Puts the 32-bit V at P, big-endian. */
static void put32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)(v >> 24);
    p[1] = (unsigned char)(v >> 16);
    p[2] = (unsigned char)(v >> 8);
    p[3] = (unsigned char)v;
}

/* The TrueType checksum of the LEN bytes at P (a multiple of 4). */
static uint32_t checksum(const unsigned char *p, size_t len)
{
    uint32_t sum = 0;

    for (size_t i = 0; i + 4 <= len; i += 4)
        sum += get32(p + i);
    return sum;
}

/* A table of the file being written: its record and where its bytes
 * come from. */
typedef struct out_table {
    const unsigned char *rec;       /* its record in the input directory */
    const unsigned char *data;
    size_t len, off;
} out_table;

/* The order HarfBuzz 6 writes tables in: the shortest first, then by tag
 * (the records stay in tag order). */
static int table_order(const void *a, const void *b)
{
    const out_table *x = *(const out_table *const *)a, *y = *(const out_table *const *)b;

    if (x->len != y->len)
        return x->len < y->len ? -1 : 1;
    return memcmp(x->rec, y->rec, 4);
}

/* A copy of FONT with one table replaced; see fs-sfnt.h. */
int fs_sfnt_replace_table(const unsigned char *font, size_t len, const char tag[4],
                          const unsigned char *table, size_t tlen,
                          unsigned char **out, size_t *outlen)
{
    unsigned ntables;
    out_table *t = NULL, **order = NULL;
    unsigned char *o = NULL;
    size_t total, at;
    int found = 0, ret = -1;

    *out = NULL;
    *outlen = 0;
    ntables = directory(font, len);
    if (ntables == 0)
        return -1;
    t = fs_xcalloc(ntables, sizeof *t);
    order = fs_xcalloc(ntables, sizeof *order);
    total = 12 + 16 * (size_t)ntables;
    for (unsigned i = 0; i < ntables; i++) {
        const unsigned char *r = font + 12 + 16 * (size_t)i;
        size_t off = get32(r + 8), tl = get32(r + 12);

        t[i].rec = r;
        if (memcmp(r, tag, 4) == 0) {
            t[i].data = table;
            t[i].len = tlen;
            found = 1;
        } else {
            if (off > len || tl > len - off)
                goto done;
            t[i].data = font + off;
            t[i].len = tl;
        }
        total += (t[i].len + 3) & ~(size_t)3;
        order[i] = &t[i];
    }
    if (!found || total > UINT32_MAX)
        goto done;
    qsort(order, ntables, sizeof *order, table_order);
    o = fs_xmalloc(total);
    memcpy(o, font, 12);
    at = 12 + 16 * (size_t)ntables;
    for (unsigned i = 0; i < ntables; i++) {
        size_t padded = (order[i]->len + 3) & ~(size_t)3;

        order[i]->off = at;
        memcpy(o + at, order[i]->data, order[i]->len);
        memset(o + at + order[i]->len, 0, padded - order[i]->len);
        at += padded;
    }
    /* The records: a table kept keeps its checksum (that of its bytes,
     * padded, with head.checkSumAdjustment taken as 0); the new one's is
     * computed.  The file's checksum is that of the header and records
     * plus the tables' checksums. */
    for (unsigned i = 0; i < ntables; i++) {
        unsigned char *r = o + 12 + 16 * (size_t)i;
        int replaced = memcmp(t[i].rec, tag, 4) == 0;

        memcpy(r, t[i].rec, 4);
        if (memcmp(r, "head", 4) == 0 && t[i].len >= 12)
            put32(o + t[i].off + 8, 0);     /* checkSumAdjustment, set below */
        put32(r + 4, replaced ? checksum(o + t[i].off, (t[i].len + 3) & ~(size_t)3)
                              : get32(t[i].rec + 4));
        put32(r + 8, (uint32_t)t[i].off);
        put32(r + 12, (uint32_t)t[i].len);
    }
    {
        uint32_t sum = checksum(o, 12 + 16 * (size_t)ntables);

        for (unsigned i = 0; i < ntables; i++)
            sum += get32(o + 12 + 16 * (size_t)i + 4);
        for (unsigned i = 0; i < ntables; i++)
            if (memcmp(t[i].rec, "head", 4) == 0 && t[i].len >= 12)
                put32(o + t[i].off + 8, 0xB1B0AFBAu - sum);
    }
    *out = o;
    *outlen = total;
    o = NULL;
    ret = 0;
done:
    free(o);
    free(order);
    free(t);
    return ret;
}
