/*
 * fs-flow-route.c - routing the arrows of a flowchart layout orthogonally
 * around its boxes by a shortest-path search (step 5 of fs-flow-layout.c).
 */
#include "fs-flow-private.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>


/* ------------------------------------------------------------------------
 * Layout: routing the arrows.
 *
 * The candidate lines are every box's borders moved out by 'clear', the
 * places of its ports (quarter, half, three quarters of each side), lines
 * halfway and a quarter of the way between neighbouring lines (the lanes
 * in the gaps) and one line outside everything on each side.  A route is
 * a path along them that never enters a box grown by 'clear'; it starts
 * with a stub straight out of a port on the source's border and ends with
 * one straight into a port on the target's border.
 * ---------------------------------------------------------------------- */

enum { UP, RIGHT, DOWN, LEFT };         /* directions and box sides      */
static const int DX[4] = {0, 1, 0, -1}, DY[4] = {-1, 0, 1, 0};
static const double FRACS[3] = {0.5, 0.25, 0.75};

/* Costs, in mm of length. */
#define COST_BEND    14.0
#define COST_PORT    12.0       /* times 1 - cos(side normal, direction)  */
#define COST_QUARTER 3.0        /* a port off the middle of its side       */
#define COST_CROSS   6.0        /* through a point another arrow uses      */
#define COST_TOUCH   40.0       /* turning where another arrow is, or
                                   passing where one turns or ends         */
#define COST_SHARE   300.0      /* running along another arrow            */

typedef struct grid {
    double *xs, *ys;
    int nx, ny;
    unsigned char *bad;         /* point strictly inside a grown box       */
    unsigned char *hbad, *vbad; /* segment to the right / below is         */
    int *hused, *vused;         /* arrows on the segment right / below     */
    double *hhug, *vhug;        /* extra cost of the segment for running
                                   close along the side of a box           */
    int *pused, *pbend;         /* arrows through / turning at the point   */
} grid;

/* qsort order of doubles: ascending. */
static int dbl_cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Sorts V[0..*N-1], drops values within 0.01 mm of the previous one and
 * adds the points a quarter, half and three quarters of the way across
 * gaps wider than 2 mm (only the half way when there are more than 60
 * lines, so that a big chart keeps a grid of reasonable size). */
static double *lines_finish(double *v, int *n)
{
    int k = 0, m;
    double *out;

    qsort(v, (size_t)*n, sizeof *v, dbl_cmp);
    for (int i = 0; i < *n; i++)
        if (k == 0 || v[i] - v[k - 1] > 0.01)
            v[k++] = v[i];
    out = fs_xmalloc((size_t)(4 * k + 1) * sizeof *out);
    m = 0;
    for (int i = 0; i < k; i++) {
        out[m++] = v[i];
        if (i + 1 < k && v[i + 1] - v[i] > 2) {
            double g = v[i + 1] - v[i];
            if (k <= 60)
                out[m++] = v[i] + g / 4;
            out[m++] = v[i] + g / 2;
            if (k <= 60)
                out[m++] = v[i] + 3 * g / 4;
        }
    }
    free(v);
    *n = m;
    return out;
}

/* The index of the line at V in LINES (within 0.005 mm), or -1. */
static int line_index(const double *lines, int n, double v)
{
    int lo = 0, hi = n - 1;

    while (lo <= hi) {
        int mid = (lo + hi) / 2;
        if (fabs(lines[mid] - v) < 0.005)
            return mid;
        if (lines[mid] < v)
            lo = mid + 1;
        else
            hi = mid - 1;
    }
    return -1;
}

/* Where port FI of SIDE of box D lies, and its stub's end 'clear' out;
 * returns 0 when the port would fall on a rounded corner. */
static int port_at(const lnode *d, int side, int fi, double clear,
                   fs_draw_point *port, fs_draw_point *stub)
{
    rect b = d->box;
    double f = FRACS[fi];

    if (fi && (side == UP || side == DOWN) && b.w * f < d->radius + 0.5)
        return 0;
    if (fi && (side == LEFT || side == RIGHT) && b.h * f < d->radius + 0.5)
        return 0;
    switch (side) {
    case UP:    *port = (fs_draw_point){b.x + b.w * f, b.y}; break;
    case RIGHT: *port = (fs_draw_point){b.x + b.w, b.y + b.h * f}; break;
    case DOWN:  *port = (fs_draw_point){b.x + b.w * f, b.y + b.h}; break;
    default:    *port = (fs_draw_point){b.x, b.y + b.h * f}; break;
    }
    *stub = (fs_draw_point){port->x + DX[side] * clear, port->y + DY[side] * clear};
    return 1;
}

/* Is (X, Y) strictly inside one of the boxes of L grown by CLEAR? */
static int inside_any(const layout *L, double x, double y, double clear)
{
    for (size_t v = 0; v < L->n; v++) {
        rect b = L->nd[v].box;
        if (x > b.x - clear + 1e-7 && x < b.x + b.w + clear - 1e-7 &&
            y > b.y - clear + 1e-7 && y < b.y + b.h + clear - 1e-7)
            return 1;
    }
    return 0;
}

/* Frees what G owns (not G). */
static void grid_free(grid *g)
{
    free(g->xs);
    free(g->ys);
    free(g->bad);
    free(g->hbad);
    free(g->vbad);
    free(g->hused);
    free(g->vused);
    free(g->hhug);
    free(g->vhug);
    free(g->pused);
    free(g->pbend);
}

/* The extra cost of a segment from (X0, Y0) to (X1, Y1) for running
 * closer than 2.5 'clear' along the side of a box (boxes beside it, not
 * those it leads to or from): arrows in the middle of the gaps read
 * better than arrows hugging the boxes. */
static double hug_cost(const layout *L, double x0, double y0, double x1, double y1)
{
    double want = 2.5 * L->p.clear, d = want, len = fabs(x1 - x0) + fabs(y1 - y0);
    int vertical = fabs(x1 - x0) < EPS;

    for (size_t v = 0; v < L->n; v++) {
        rect b = L->nd[v].box;
        if (vertical && fmin(y0, y1) < b.y + b.h - EPS && fmax(y0, y1) > b.y + EPS)
            d = fmin(d, x0 < b.x ? b.x - x0 : x0 - (b.x + b.w));
        if (!vertical && fmin(x0, x1) < b.x + b.w - EPS && fmax(x0, x1) > b.x + EPS)
            d = fmin(d, y0 < b.y ? b.y - y0 : y0 - (b.y + b.h));
    }
    return d < want ? 0.8 * len * (want - fmax(d, 0)) / want : 0;
}

/* Builds the candidate lines and what is blocked on them. */
static void grid_build(const layout *L, grid *g)
{
    double cl = L->p.clear, minx = DBL_MAX, miny = DBL_MAX, maxx = -DBL_MAX, maxy = -DBL_MAX;
    int nx = 0, ny = 0;
    size_t np;

    g->xs = fs_xmalloc((L->n * 5 + 2) * sizeof *g->xs);
    g->ys = fs_xmalloc((L->n * 5 + 2) * sizeof *g->ys);
    for (size_t v = 0; v < L->n; v++) {
        rect b = L->nd[v].box;
        g->xs[nx++] = b.x - cl;
        g->xs[nx++] = b.x + b.w + cl;
        g->ys[ny++] = b.y - cl;
        g->ys[ny++] = b.y + b.h + cl;
        for (int fi = 0; fi < 3; fi++) {
            g->xs[nx++] = b.x + b.w * FRACS[fi];
            g->ys[ny++] = b.y + b.h * FRACS[fi];
        }
        minx = fmin(minx, b.x - cl);
        miny = fmin(miny, b.y - cl);
        maxx = fmax(maxx, b.x + b.w + cl);
        maxy = fmax(maxy, b.y + b.h + cl);
    }
    g->xs[nx++] = minx - 2 * cl;
    g->xs[nx++] = maxx + 2 * cl;
    g->ys[ny++] = miny - 2 * cl;
    g->ys[ny++] = maxy + 2 * cl;
    g->xs = lines_finish(g->xs, &nx);
    g->ys = lines_finish(g->ys, &ny);
    g->nx = nx, g->ny = ny;
    np = (size_t)nx * (size_t)ny;
    g->bad = fs_xcalloc(np, 1);
    g->hbad = fs_xcalloc(np, 1);
    g->vbad = fs_xcalloc(np, 1);
    g->hused = fs_xcalloc(np, sizeof *g->hused);
    g->vused = fs_xcalloc(np, sizeof *g->vused);
    g->hhug = fs_xcalloc(np, sizeof *g->hhug);
    g->vhug = fs_xcalloc(np, sizeof *g->vhug);
    g->pused = fs_xcalloc(np, sizeof *g->pused);
    g->pbend = fs_xcalloc(np, sizeof *g->pbend);
    for (int j = 0; j < ny; j++)
        for (int i = 0; i < nx; i++)
            g->bad[j * nx + i] = (unsigned char)inside_any(L, g->xs[i], g->ys[j], cl);
    for (int j = 0; j < ny; j++)
        for (int i = 0; i < nx; i++) {
            size_t p = (size_t)j * (size_t)nx + (size_t)i;
            g->hbad[p] = i + 1 >= nx || g->bad[p] || g->bad[p + 1] ||
                         inside_any(L, (g->xs[i] + g->xs[i + 1]) / 2, g->ys[j], cl);
            g->vbad[p] = j + 1 >= ny || g->bad[p] || g->bad[p + (size_t)nx] ||
                         inside_any(L, g->xs[i], (g->ys[j] + g->ys[j + 1]) / 2, cl);
            if (!g->hbad[p])
                g->hhug[p] = hug_cost(L, g->xs[i], g->ys[j], g->xs[i + 1], g->ys[j]);
            if (!g->vbad[p])
                g->vhug[p] = hug_cost(L, g->xs[i], g->ys[j], g->xs[i], g->ys[j + 1]);
        }
}

/* A binary min-heap of (cost, state). */
typedef struct heap {
    double *k;
    int *v;
    size_t n, cap;
} heap;

/* Adds V with cost K to H, growing it as needed. */
static void heap_push(heap *h, double k, int v)
{
    size_t i;

    if (h->n == h->cap) {
        h->cap = h->cap ? h->cap * 2 : 1024;
        h->k = fs_xrealloc(h->k, h->cap * sizeof *h->k);
        h->v = fs_xrealloc(h->v, h->cap * sizeof *h->v);
    }
    i = h->n++;
    while (i > 0 && h->k[(i - 1) / 2] > k) {
        h->k[i] = h->k[(i - 1) / 2];
        h->v[i] = h->v[(i - 1) / 2];
        i = (i - 1) / 2;
    }
    h->k[i] = k;
    h->v[i] = v;
}

/* Removes the cheapest entry into *K, *V; returns 0 when empty. */
static int heap_pop(heap *h, double *k, int *v)
{
    size_t i = 0;
    double lk;
    int lv;

    if (!h->n)
        return 0;
    *k = h->k[0];
    *v = h->v[0];
    lk = h->k[--h->n];
    lv = h->v[h->n];
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= h->n)
            break;
        if (c + 1 < h->n && h->k[c + 1] < h->k[c])
            c++;
        if (h->k[c] >= lk)
            break;
        h->k[i] = h->k[c];
        h->v[i] = h->v[c];
        i = c;
    }
    h->k[i] = lk;
    h->v[i] = lv;
    return 1;
}

/* The cost of using port FI of SIDE of box V for an arrow to or from box
 * OTHER: low where the side faces the other box. */
static double port_cost(const layout *L, size_t v, size_t other, int side, int fi)
{
    rect a = L->nd[v].box, b = L->nd[other].box;
    double dx = (b.x + b.w / 2) - (a.x + a.w / 2), dy = (b.y + b.h / 2) - (a.y + a.h / 2);
    double len = hypot(dx, dy), cosv = len > 0 ? (DX[side] * dx + DY[side] * dy) / len : 0;

    return COST_PORT * (1 - cosv) + (fi ? COST_QUARTER : 0);
}

/* The buffers of the shortest-path search, allocated once per grid. */
typedef struct search {
    double *dist;               /* per state (point x 4 directions)        */
    int *prev;
    int *seedport;              /* per state: the source port it starts at */
    int *chain;
    int *tport;                 /* per point: target port + 1, or 0        */
    double *tcost;              /* per point: that port's cost             */
    heap h;
} search;

/* Allocates the buffers of a search over G. */
static void search_init(search *S, const grid *g)
{
    size_t np = (size_t)g->nx * (size_t)g->ny;

    memset(S, 0, sizeof *S);
    S->dist = fs_xmalloc(np * 4 * sizeof *S->dist);
    S->prev = fs_xmalloc(np * 4 * sizeof *S->prev);
    S->seedport = fs_xmalloc(np * 4 * sizeof *S->seedport);
    S->chain = fs_xmalloc(np * 4 * sizeof *S->chain);
    S->tport = fs_xmalloc(np * sizeof *S->tport);
    S->tcost = fs_xmalloc(np * sizeof *S->tcost);
}

/* Frees the buffers of S. */
static void search_done(search *S)
{
    free(S->dist);
    free(S->prev);
    free(S->seedport);
    free(S->chain);
    free(S->tport);
    free(S->tcost);
    free(S->h.k);
    free(S->h.v);
}

/* Routes edge E over G: a shortest path from a free port of its source to
 * a free port of its target, costing length, bends, ports, and crossing,
 * touching or sharing earlier routes.  Stores the polyline in L->rt[e],
 * marks the ports used and the grid used; returns 0 when no route
 * exists. */
static int route_edge(layout *L, grid *g, search *sr, size_t e)
{
    const fs_flow_edge *ed = &L->f->edges[e];
    size_t s = (size_t)ed->from, t = (size_t)ed->to;
    int nx = g->nx, np = g->nx * g->ny, sink = np * 4, best = -1, sinkport = -1;
    double cl = L->p.clear, sinkcost = DBL_MAX, k;
    search S = *sr;
    heap h = sr->h;
    int *seedport = sr->seedport, st, found = 0;
    fs_draw_point port, stub;

    h.n = 0;
    for (int i = 0; i < np * 4; i++) {
        S.dist[i] = DBL_MAX;
        S.prev[i] = -1;
        seedport[i] = -1;
    }
    memset(S.tport, 0, (size_t)np * sizeof *S.tport);
    for (int side = 0; side < 4; side++)
        for (int fi = 0; fi < 3; fi++) {
            int i, j, pt;
            if (!L->port_used[t * 12 + (size_t)(side * 3 + fi)] &&
                port_at(&L->nd[t], side, fi, cl, &port, &stub) &&
                (i = line_index(g->xs, g->nx, stub.x)) >= 0 &&
                (j = line_index(g->ys, g->ny, stub.y)) >= 0 && !g->bad[pt = j * nx + i]) {
                S.tport[pt] = side * 3 + fi + 1;
                S.tcost[pt] = port_cost(L, t, s, side, fi) + cl +
                              (g->pused[pt] ? COST_TOUCH : 0);
            }
            if (!L->port_used[s * 12 + (size_t)(side * 3 + fi)] &&
                port_at(&L->nd[s], side, fi, cl, &port, &stub) &&
                (i = line_index(g->xs, g->nx, stub.x)) >= 0 &&
                (j = line_index(g->ys, g->ny, stub.y)) >= 0 && !g->bad[pt = j * nx + i]) {
                int state = pt * 4 + side;
                double c = port_cost(L, s, t, side, fi) + cl +
                           (g->pused[pt] ? COST_TOUCH : 0);
                if (c < S.dist[state]) {
                    S.dist[state] = c;
                    seedport[state] = side * 3 + fi;
                    heap_push(&h, c, state);
                }
            }
        }
    while (heap_pop(&h, &k, &st)) {
        if (st == sink) {
            found = 1;
            break;
        }
        if (k > S.dist[st])
            continue;
        int pt = st / 4, d = st % 4, i = pt % nx, j = pt / nx;
        if (S.tport[pt]) {
            int side = (S.tport[pt] - 1) / 3, inward = (side + 2) % 4;
            if (d != side) {
                double c = k + S.tcost[pt] + (d == inward ? 0 : COST_BEND);
                if (c < sinkcost) {
                    sinkcost = c;
                    best = st;
                    sinkport = S.tport[pt] - 1;
                    heap_push(&h, c, sink);
                }
            }
        }
        for (int nd = 0; nd < 4; nd++) {
            int ni = i + DX[nd], nj = j + DY[nd], q, used, blocked;
            double c, len, hug;
            if (nd == (d + 2) % 4 || ni < 0 || nj < 0 || ni >= nx || nj >= g->ny)
                continue;
            q = nj * nx + ni;
            switch (nd) {
            case RIGHT: blocked = g->hbad[pt]; used = g->hused[pt]; hug = g->hhug[pt]; break;
            case LEFT:  blocked = g->hbad[q];  used = g->hused[q];  hug = g->hhug[q];  break;
            case DOWN:  blocked = g->vbad[pt]; used = g->vused[pt]; hug = g->vhug[pt]; break;
            default:    blocked = g->vbad[q];  used = g->vused[q];  hug = g->vhug[q];  break;
            }
            if (blocked)
                continue;
            len = fabs(g->xs[ni] - g->xs[i]) + fabs(g->ys[nj] - g->ys[j]);
            c = k + len + hug;
            if (nd != d)
                c += COST_BEND + (g->pused[pt] ? COST_TOUCH : 0);
            if (used)
                c += COST_SHARE + 30 * len;
            if (g->pused[q])
                c += COST_CROSS;
            if (g->pbend[q])
                c += COST_TOUCH;
            if (c < S.dist[q * 4 + nd]) {
                S.dist[q * 4 + nd] = c;
                S.prev[q * 4 + nd] = st;
                heap_push(&h, c, q * 4 + nd);
            }
        }
    }
    if (found) {
        size_t n = 0, cap = 16;
        int *chain = S.chain, nc = 0;
        fs_draw_point *pts = fs_xmalloc(cap * sizeof *pts);
        int sp_side, sp_fi;

        for (int x = best; x >= 0; x = S.prev[x])
            chain[nc++] = x;
        sp_side = seedport[chain[nc - 1]] / 3;
        sp_fi = seedport[chain[nc - 1]] % 3;
        port_at(&L->nd[s], sp_side, sp_fi, cl, &port, &stub);
        pts[n++] = port;
        for (int x = nc - 1; x >= 0; x--) {
            int pt = chain[x] / 4;
            if (n + 2 > cap)
                pts = fs_xrealloc(pts, (cap *= 2) * sizeof *pts);
            pts[n++] = (fs_draw_point){g->xs[pt % nx], g->ys[pt / nx]};
            g->pused[pt]++;
            if (x == nc - 1 || x == 0 || chain[x] % 4 != chain[x - 1] % 4)
                g->pbend[pt]++;
            if (x > 0) {
                int q = chain[x - 1] / 4;
                switch (chain[x - 1] % 4) {
                case RIGHT: g->hused[pt]++; break;
                case LEFT:  g->hused[q]++;  break;
                case DOWN:  g->vused[pt]++; break;
                default:    g->vused[q]++;  break;
                }
            }
        }
        port_at(&L->nd[t], sinkport / 3, sinkport % 3, cl, &port, &stub);
        pts[n++] = port;
        L->port_used[s * 12 + (size_t)seedport[chain[nc - 1]]] = 1;
        L->port_used[t * 12 + (size_t)sinkport] = 1;
        /* drop points in the middle of straight runs */
        size_t m = 0;
        for (size_t i = 0; i < n; i++) {
            if (m >= 1 && fabs(pts[i].x - pts[m - 1].x) < EPS && fabs(pts[i].y - pts[m - 1].y) < EPS)
                continue;
            if (m >= 2) {
                fs_draw_point a = pts[m - 2], b = pts[m - 1], c = pts[i];
                if ((fabs(a.x - b.x) < EPS && fabs(b.x - c.x) < EPS) ||
                    (fabs(a.y - b.y) < EPS && fabs(b.y - c.y) < EPS)) {
                    pts[m - 1] = c;
                    continue;
                }
            }
            pts[m++] = pts[i];
        }
        L->rt[e].pts = pts;
        L->rt[e].n = m;
    }
    sr->h = h;                  /* keeps what the heap grew to */
    return found;
}

/* Routes every edge: the shortest first (forward before back, then by how
 * many layers and columns they span, then in file order), so that the
 * straight arrows of the main flow get the middle ports.  An edge that
 * cannot be routed gets a straight line between the box centres and
 * makes the layout fail (L->ok = 0). */
void fs_flow_route_all(layout *L)
{
    grid g;
    search S;
    size_t *order = fs_xmalloc((L->m + 1) * sizeof *order);
    int *key = fs_xmalloc((L->m + 1) * sizeof *key);

    grid_build(L, &g);
    search_init(&S, &g);
    for (size_t e = 0; e < L->m; e++) {
        const fs_flow_edge *ed = &L->f->edges[e];
        order[e] = e;
        key[e] = L->back[e] * 10000 + abs(L->nd[ed->to].layer - L->nd[ed->from].layer) +
                 abs(L->nd[ed->to].col - L->nd[ed->from].col);
    }
    for (size_t a = 1; a < L->m; a++)           /* stable insertion sort */
        for (size_t b = a; b > 0 && key[order[b - 1]] > key[order[b]]; b--) {
            size_t tmp = order[b];
            order[b] = order[b - 1];
            order[b - 1] = tmp;
        }
    for (size_t i = 0; i < L->m; i++) {
        size_t e = order[i];
        if (!route_edge(L, &g, &S, e)) {
            rect a = L->nd[L->f->edges[e].from].box, b = L->nd[L->f->edges[e].to].box;
            L->rt[e].pts = fs_xmalloc(2 * sizeof *L->rt[e].pts);
            L->rt[e].pts[0] = (fs_draw_point){a.x + a.w / 2, a.y + a.h / 2};
            L->rt[e].pts[1] = (fs_draw_point){b.x + b.w / 2, b.y + b.h / 2};
            L->rt[e].n = 2;
            L->ok = 0;
        }
    }
    search_done(&S);
    grid_free(&g);
    free(order);
    free(key);
}

