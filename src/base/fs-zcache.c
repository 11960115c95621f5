/*
 * fs-zcache.c - deflating in pieces, every piece's deflated bytes kept for
 * the rest of the run (fs-zcache.h).
 *
 * How pieces join.  libdeflate deflates a piece into a stream whose last
 * block is marked final and whose last byte is padded with zero bits.  A
 * piece of at most PIECE_MAX bytes comes out as one block, whose "final"
 * bit is the first bit of the output: it is cleared.  The piece is then
 * ended by an empty stored block (three zero header bits, padding to the
 * byte, LEN 0000, NLEN FFFF), which also brings the stream to a byte
 * boundary where the next piece can start.  Where those header bits go
 * depends on how many padding bits the last byte has (three or more: they
 * are the padding; fewer: one more byte), which libdeflate does not say;
 * so the endings are tried (the short one only when the last byte's top
 * three bits are clear) and the one that inflates back to the piece, with
 * every byte consumed, is kept.  A piece that neither ending makes
 * whole (libdeflate made more than one block) makes the whole input
 * deflate as one stream instead.  After the last piece comes an empty
 * final block with fixed codes (03 00).  A piece never refers back into
 * the piece before it, since each is deflated alone.
 */
#include "fs-zcache.h"
#include "fs-base.h"

#include <libdeflate.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define PIECE_MAX FS_ZCACHE_PIECE_MAX
/* Hash buckets of the cache. */
#define NBUCKETS 1024u
/* When the cache is full, it is emptied down to this share (in eighths)
 * of FS_ZCACHE_BYTES, least recently used first. */
#define KEEP_EIGHTHS 6u

/* One cached piece: its bytes and their deflated, non-final, byte-aligned
 * form. */
typedef struct zpiece {
    struct zpiece *next;        /* in its bucket                           */
    uint32_t crc;               /* CRC-32 of RAW: the hash                 */
    int level;
    size_t len, zlen;
    unsigned char *raw, *z;
    unsigned long used;         /* CLOCK at the last use                   */
} zpiece;

static struct {
    pthread_mutex_t lock;
    zpiece *bucket[NBUCKETS];
    size_t bytes;               /* LEN + ZLEN of every piece               */
    unsigned long clock;
    size_t hits, misses;
} cache = {PTHREAD_MUTEX_INITIALIZER, {0}, 0, 0, 0, 0};

/* The two endings of a piece (see the top of the file) and the final
 * block. */
static const unsigned char END_PADDED[] = {0x00, 0x00, 0xFF, 0xFF};
static const unsigned char END_BYTE[] = {0x00, 0x00, 0x00, 0xFF, 0xFF};
static const unsigned char FINAL_BLOCK[] = {0x03, 0x00};

/* Frees piece P. */
static void piece_free(zpiece *p)
{
    free(p->raw);
    free(p->z);
    free(p);
}

/* Drops the least recently used pieces until the cache holds at most
 * KEEP_EIGHTHS / 8 of FS_ZCACHE_BYTES.  Called with the lock held.  A scan
 * per dropped piece: the cache holds a few hundred. */
static void cache_trim(void)
{
    while (cache.bytes > FS_ZCACHE_BYTES / 8 * KEEP_EIGHTHS) {
        zpiece **oldest = NULL;

        for (size_t b = 0; b < NBUCKETS; b++)
            for (zpiece **pp = &cache.bucket[b]; *pp; pp = &(*pp)->next)
                if (!oldest || (*pp)->used < (*oldest)->used)
                    oldest = pp;
        if (!oldest)
            break;
        zpiece *p = *oldest;
        *oldest = p->next;
        cache.bytes -= p->len + p->zlen;
        piece_free(p);
    }
}

/* The cached piece of the LEN bytes RAW (hash CRC, LEVEL), or NULL.
 * Called with the lock held. */
static zpiece *cache_find(const unsigned char *raw, size_t len, uint32_t crc,
                          int level)
{
    for (zpiece *p = cache.bucket[crc % NBUCKETS]; p; p = p->next)
        if (p->crc == crc && p->len == len && p->level == level &&
            memcmp(p->raw, raw, len) == 0)
            return p;
    return NULL;
}

/* Gives *Z (malloc'd) and *ZLEN the cached deflated form of the LEN
 * bytes RAW (hash CRC, LEVEL).  Returns 1 when the cache had it, 0 when
 * not.  Takes the lock. */
static int cache_get(const unsigned char *raw, size_t len, uint32_t crc,
                     int level, unsigned char **z, size_t *zlen)
{
    zpiece *p;

    pthread_mutex_lock(&cache.lock);
    p = cache_find(raw, len, crc, level);
    if (p) {
        p->used = ++cache.clock;
        *z = fs_xmalloc(p->zlen);
        memcpy(*z, p->z, p->zlen);
        *zlen = p->zlen;
        cache.hits++;
    } else
        cache.misses++;
    pthread_mutex_unlock(&cache.lock);
    return p != NULL;
}

/* Keeps a copy of the piece RAW (LEN bytes, hash CRC, LEVEL) and its
 * deflated form Z (ZLEN bytes), unless another thread was first or the
 * piece alone is more than a quarter of the cache.  Takes the lock. */
static void cache_put(const unsigned char *raw, size_t len, uint32_t crc,
                      int level, const unsigned char *z, size_t zlen)
{
    zpiece *p;

    if (len + zlen > FS_ZCACHE_BYTES / 4)
        return;
    pthread_mutex_lock(&cache.lock);
    p = cache_find(raw, len, crc, level);
    if (!p) {
        p = fs_xcalloc(1, sizeof *p);
        p->crc = crc;
        p->level = level;
        p->len = len;
        p->zlen = zlen;
        p->raw = fs_xmalloc(len);
        memcpy(p->raw, raw, len);
        p->z = fs_xmalloc(zlen);
        memcpy(p->z, z, zlen);
        p->used = ++cache.clock;
        p->next = cache.bucket[crc % NBUCKETS];
        cache.bucket[crc % NBUCKETS] = p;
        cache.bytes += len + zlen;
        cache_trim();
    }
    pthread_mutex_unlock(&cache.lock);
}

/* Empties the cache; see fs-zcache.h. */
void fs_zcache_clear(void)
{
    pthread_mutex_lock(&cache.lock);
    for (size_t b = 0; b < NBUCKETS; b++)
        while (cache.bucket[b]) {
            zpiece *p = cache.bucket[b];
            cache.bucket[b] = p->next;
            piece_free(p);
        }
    cache.bytes = 0;
    cache.hits = cache.misses = 0;
    pthread_mutex_unlock(&cache.lock);
}

/* The counts of the cache; see fs-zcache.h. */
fs_zcache_stats fs_zcache_get_stats(void)
{
    fs_zcache_stats st;

    pthread_mutex_lock(&cache.lock);
    st.hits = cache.hits;
    st.misses = cache.misses;
    st.bytes = cache.bytes;
    pthread_mutex_unlock(&cache.lock);
    return st;
}

/* Tools of one thread: a compressor, a decompressor and a scratch buffer. */
typedef struct zwork {
    struct libdeflate_compressor *c;
    struct libdeflate_decompressor *d;
    unsigned char *scratch;     /* PIECE_MAX bytes inflated back           */
} zwork;

/* Makes W's tools for LEVEL unless it has them: only a call that has
 * something to deflate needs them (in a long batch most find every piece
 * in the cache).  Returns 0, or -1 when libdeflate has no memory. */
static int zwork_init(zwork *w, int level)
{
    if (!w->scratch) {
        w->c = libdeflate_alloc_compressor(level);
        w->d = libdeflate_alloc_decompressor();
        w->scratch = fs_xmalloc(PIECE_MAX);
    }
    return w->c && w->d ? 0 : -1;
}

/* Frees W's tools. */
static void zwork_free(zwork *w)
{
    libdeflate_free_compressor(w->c);
    libdeflate_free_decompressor(w->d);
    free(w->scratch);
}

/* 1 when the deflate stream IN (INLEN bytes) inflates to exactly the LEN
 * bytes RAW, using up all of IN. */
static int inflates_to(zwork *w, const unsigned char *in, size_t inlen,
                       const unsigned char *raw, size_t len)
{
    size_t in_used = 0, out_used = 0;

    return libdeflate_deflate_decompress_ex(w->d, in, inlen, w->scratch, len, &in_used,
                                            &out_used) == LIBDEFLATE_SUCCESS &&
           in_used == inlen && out_used == len && memcmp(w->scratch, raw, len) == 0;
}

/* One piece of the input: its bytes and, once found or made, their
 * deflated, non-final, byte-aligned form. */
typedef struct zjob {
    const unsigned char *raw;
    size_t len;
    uint32_t crc;
    unsigned char *z;           /* malloc'd once found or made             */
    size_t zlen;
    int made;                   /* deflated here: to be cached             */
    int helper;                 /* missing, and the second thread's share  */
} zjob;

/* Deflates the piece J (1..PIECE_MAX bytes) with W into J->Z.
 * Leaves J->Z NULL when no ending made a whole piece of what libdeflate
 * wrote (the caller then deflates the input as one stream). */
static void piece_make(zwork *w, zjob *j)
{
    size_t bound = libdeflate_deflate_compress_bound(w->c, j->len);
    size_t cap = bound + sizeof END_BYTE + sizeof FINAL_BLOCK;
    unsigned char *z = fs_xmalloc(cap);
    const unsigned char *const ends[2] = {END_PADDED, END_BYTE};
    const size_t endlen[2] = {sizeof END_PADDED, sizeof END_BYTE};
    size_t zlen = libdeflate_deflate_compress(w->c, j->raw, j->len, z, bound);

    if (zlen == 0) {
        free(z);
        return;
    }
    z[0] &= 0xFE;                           /* not the final block */
    /* A bit set among the top three of the last byte leaves fewer than
     * three bits of padding: then only the longer ending can fit. */
    for (int e = z[zlen - 1] & 0xE0 ? 1 : 0; e < 2; e++) {
        memcpy(z + zlen, ends[e], endlen[e]);
        memcpy(z + zlen + endlen[e], FINAL_BLOCK, sizeof FINAL_BLOCK);
        if (inflates_to(w, z, zlen + endlen[e] + sizeof FINAL_BLOCK, j->raw, j->len)) {
            j->z = z;
            j->zlen = zlen + endlen[e];
            j->made = 1;
            return;
        }
    }
    free(z);
}

/* The threads deflating pieces may use at once (fs_zcache_set_threads). */
static int zthreads = 1;

/* See fs-zcache.h. */
void fs_zcache_set_threads(int n)
{
    zthreads = n > 1 ? 2 : 1;
}

/* A second thread's share of the pieces: those marked HELPER (every other
 * one not found in the cache), set before the thread starts. */
typedef struct zhelper {
    zjob *jobs;
    size_t n;
    int level;
    int ok;                     /* its tools were made                     */
} zhelper;

/* Thread body: makes the pieces of ARG (a zhelper) marked HELPER. */
static void *helper_main(void *arg)
{
    zhelper *h = arg;
    zwork w = {0};

    h->ok = zwork_init(&w, h->level) == 0;
    for (size_t i = 0; h->ok && i < h->n; i++)
        if (h->jobs[i].helper)
            piece_make(&w, &h->jobs[i]);
    zwork_free(&w);
    return NULL;
}

/* Splits DATA (LEN bytes) at CUTS, and at PIECE_MAX within a cut, into
 * *NJOBS pieces (a malloc'd array). */
static zjob *split(const unsigned char *data, size_t len, const size_t *cuts,
                   size_t ncuts, size_t *njobs)
{
    zjob *jobs = NULL;
    size_t n = 0, cap = 0, start = 0, k = 0;

    while (start < len) {
        size_t end = len;

        while (k < ncuts && cuts[k] <= start)
            k++;
        if (k < ncuts && cuts[k] < len)
            end = cuts[k];
        if (end - start > PIECE_MAX)
            end = start + PIECE_MAX;
        if (n == cap) {
            cap = cap ? 2 * cap : 32;
            jobs = fs_xrealloc(jobs, cap * sizeof *jobs);
        }
        memset(&jobs[n], 0, sizeof jobs[n]);
        jobs[n].raw = data + start;
        jobs[n].len = end - start;
        n++;
        start = end;
    }
    *njobs = n;
    return jobs;
}

/* Appends the pieces of DATA (LEN bytes, cut at CUTS) to OUT: each taken
 * from the cache or deflated with W, made for LEVEL when first needed
 * (the missing ones shared with a second thread when
 * fs_zcache_set_threads allows and they are worth it), and each new one
 * cached.  Returns 0, or -1 when a piece could not be made whole or W's
 * tools could not be made. */
static int deflate_pieces(zwork *w, const unsigned char *data, size_t len,
                          const size_t *cuts, size_t ncuts, int level,
                          fs_buf *out)
{
    size_t n, missing = 0, k = 0;
    zjob *jobs = split(data, len, cuts, ncuts, &n);
    zhelper h = {jobs, n, level, 0};
    pthread_t tid;
    int helped = 0, ret = 0;

    for (size_t i = 0; i < n; i++) {
        jobs[i].crc = libdeflate_crc32(0, jobs[i].raw, jobs[i].len);
        if (!cache_get(jobs[i].raw, jobs[i].len, jobs[i].crc, level, &jobs[i].z, &jobs[i].zlen)) {
            missing += jobs[i].len;
            jobs[i].helper = k++ % 2 == 1;
        }
    }
    if (missing && zwork_init(w, level) < 0)
        ret = -1;
    else if (zthreads > 1 && missing >= 4 * PIECE_MAX)
        helped = pthread_create(&tid, NULL, helper_main, &h) == 0;
    for (size_t i = 0; i < n && ret == 0; i++)
        if ((!helped || !jobs[i].helper) && !jobs[i].z)
            piece_make(w, &jobs[i]);
    if (helped)
        pthread_join(tid, NULL);
    for (size_t i = 0; i < n && ret == 0; i++)
        if (!jobs[i].z && jobs[i].helper && !h.ok)
            piece_make(w, &jobs[i]);        /* the helper had no tools */
    for (size_t i = 0; i < n && ret == 0; i++) {
        if (!jobs[i].z) {
            ret = -1;
            break;
        }
        fs_buf_add(out, (const char *)jobs[i].z, jobs[i].zlen);
        if (jobs[i].made)
            cache_put(jobs[i].raw, jobs[i].len, jobs[i].crc, level, jobs[i].z, jobs[i].zlen);
    }
    for (size_t i = 0; i < n; i++)
        free(jobs[i].z);
    free(jobs);
    return ret;
}

/* Appends the 32-bit V to B, big-endian. */
static void put32be(fs_buf *b, uint32_t v)
{
    char c[4] = {(char)(v >> 24), (char)(v >> 16), (char)(v >> 8), (char)v};

    fs_buf_add(b, c, 4);
}

/* Deflates DATA in cached pieces; see fs-zcache.h. */
int fs_zcache_deflate(const void *data, size_t len, const size_t *cuts,
                      size_t ncuts, int level, int zlib, unsigned char **out,
                      size_t *outlen)
{
    static const char ZLIB_HEADER[] = {0x78, 0x01}; /* deflate, 32 KiB window, fastest */
    zwork w = {0};
    fs_buf b = {0};
    int ret = -1;

    *out = NULL;
    *outlen = 0;
    if (zlib)
        fs_buf_add(&b, ZLIB_HEADER, sizeof ZLIB_HEADER);
    if (deflate_pieces(&w, data, len, cuts, ncuts, level, &b) == 0)
        fs_buf_add(&b, (const char *)FINAL_BLOCK, sizeof FINAL_BLOCK);
    else {
        /* One stream, as libdeflate makes it. */
        size_t bound, n;
        unsigned char *one;

        fs_buf_free(&b);
        if (zwork_init(&w, level) < 0)
            goto done;
        bound = zlib ? libdeflate_zlib_compress_bound(w.c, len)
                     : libdeflate_deflate_compress_bound(w.c, len);
        one = fs_xmalloc(bound);
        n = zlib ? libdeflate_zlib_compress(w.c, data, len, one, bound)
                 : libdeflate_deflate_compress(w.c, data, len, one, bound);
        if (n == 0) {
            free(one);
            goto done;
        }
        *out = one;
        *outlen = n;
        ret = 0;
        goto done;
    }
    if (zlib)
        put32be(&b, libdeflate_adler32(1, data, len));
    *out = (unsigned char *)b.s;
    *outlen = b.len;
    b.s = NULL;
    ret = 0;
done:
    fs_buf_free(&b);
    zwork_free(&w);
    return ret;
}
