/*
 * fs-flow-layout.c - the automatic layout of a flowchart of 附件4 or 附件5
 * into a fs_drawing (the routing of the arrows is in fs-flow-route.c).
 *
 * The layout, in order (layout_try):
 *   1. arrows leading back (不通过 loops, 整改 → 提交) are found by a
 *      depth-first search from the start nodes;
 *   2. the main flow is layered top to bottom by longest path over the
 *      other arrows; a side node (上级党组织跟踪指导) sits in the layer of
 *      the node it feeds, a branch that only leads back (整改) in the layer
 *      of the review it leaves, and an input (a source that is not a start
 *      and feeds one node, 工委年度督导检查) in the layer of what it feeds;
 *   3. columns: the longest chain is column 0; every other node goes to the
 *      free column nearest its neighbours; side nodes to the left of what
 *      they feed, branches and inputs to the right of their node;
 *   4. boxes are sized to their labels, wrapped at a maximum width into
 *      lines of even length, and put on the grid of columns and layers;
 *   5. every arrow is routed orthogonally by a shortest-path search over a
 *      grid of candidate lines around the boxes (kept 'clear' mm away from
 *      every box), costing length, bends, the port on each box's side
 *      (an arrow down should leave from the bottom and enter at the top),
 *      crossing and touching earlier arrows; arrows that share a line
 *      segment cost so much that they practically never do;
 *   6. arrow labels are placed beside the first segment of their arrow
 *      where they touch no box, line or other label;
 *   7. the chart is centred in the space under the title; when it does not
 *      fit, the next smaller set of sizes is tried, and the smallest is
 *      scaled down as a last resort.
 */
#include "fs-flow-private.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------------
 * Layout: the graph.
 * ---------------------------------------------------------------------- */


static const params param_sets[] = {
    {1.00, 50, 3.0, 2.4, 18, 12, 3.0},
    {0.86, 46, 2.6, 2.0, 16, 11, 2.6},
    {0.72, 42, 2.2, 1.6, 14, 10, 2.2},
};




/* Is edge E forward between two nodes of the main flow? */
static int fwd(const layout *L, size_t e)
{
    const fs_flow_edge *ed = &L->f->edges[e];

    return !L->back[e] && L->f->nodes[ed->from].kind != FS_FLOW_SIDE &&
           L->f->nodes[ed->to].kind != FS_FLOW_SIDE;
}

/* Marks the edges that lead back, by a depth-first search in file order:
 * from the start nodes first, then from any node not reached yet, side
 * nodes last.  An edge to a node still on the search's stack leads back. */
static void find_back_edges(layout *L)
{
    const fs_flow *f = L->f;
    size_t n = L->n, sp = 0;
    int *state = fs_xcalloc(n, sizeof *state);  /* 0 new, 1 open, 2 done  */
    int *stack = fs_xmalloc(n * sizeof *stack);
    size_t *next = fs_xcalloc(n, sizeof *next);

    for (int pass = 0; pass < 3; pass++)
        for (size_t r = 0; r < n; r++) {
            fs_flow_kind k = f->nodes[r].kind;
            if (state[r] || (pass == 0 && k != FS_FLOW_START) ||
                (pass == 1 && k == FS_FLOW_SIDE))
                continue;
            state[r] = 1;
            stack[sp++] = (int)r;
            while (sp) {
                int v = stack[sp - 1];
                size_t e = next[v];
                while (e < L->m && f->edges[e].from != v)
                    e++;
                if (e == L->m) {
                    state[v] = 2;
                    sp--;
                    continue;
                }
                next[v] = e + 1;
                int w = f->edges[e].to;
                if (state[w] == 1)
                    L->back[e] = 1;
                else if (state[w] == 0) {
                    state[w] = 1;
                    stack[sp++] = w;
                }
            }
        }
    free(state);
    free(stack);
    free(next);
}

/* Layers: longest path over the forward edges of the main flow.  Then
 * the nodes that sit beside another (anchor, rank): branches (a step or
 * review with one forward predecessor and only edges back out, like 整改)
 * in their predecessor's layer; inputs (a source that is not a start with
 * one edge out, like 工委年度督导检查) in the layer of the node they feed,
 * other such sources just above their first successor; side nodes in the
 * layer of the node they feed. */
static void assign_layers(layout *L)
{
    const fs_flow *f = L->f;
    size_t n = L->n, qh = 0, qt = 0;
    int *indeg = fs_xcalloc(n, sizeof *indeg), *queue = fs_xmalloc(n * sizeof *queue);
    int *in0 = fs_xcalloc(n, sizeof *in0);

    for (size_t e = 0; e < L->m; e++)
        if (fwd(L, e))
            indeg[f->edges[e].to]++;
    memcpy(in0, indeg, n * sizeof *in0);
    for (size_t v = 0; v < n; v++)
        if (!indeg[v] && f->nodes[v].kind != FS_FLOW_SIDE)
            queue[qt++] = (int)v;
    while (qh < qt) {
        int v = queue[qh++];
        for (size_t e = 0; e < L->m; e++) {
            int w = f->edges[e].to;
            if (f->edges[e].from != v || !fwd(L, e))
                continue;
            if (L->nd[w].layer < L->nd[v].layer + 1)
                L->nd[w].layer = L->nd[v].layer + 1;
            if (--indeg[w] == 0)
                queue[qt++] = w;
        }
    }
    for (size_t v = 0; v < n; v++) {          /* branches */
        int pred = -1, nin = 0, nfwd_out = 0, nout = 0;
        fs_flow_kind k = f->nodes[v].kind;
        if (k != FS_FLOW_STEP && k != FS_FLOW_REVIEW)
            continue;
        for (size_t e = 0; e < L->m; e++) {
            if (f->edges[e].to == (int)v && fwd(L, e))
                nin++, pred = f->edges[e].from;
            if (f->edges[e].from == (int)v) {
                nout++;
                nfwd_out += fwd(L, e);
            }
        }
        if (nin == 1 && nfwd_out == 0 && nout > 0 && L->nd[pred].anchor < 0) {
            L->nd[v].anchor = pred;
            L->nd[v].rank = 0;
            L->nd[v].layer = L->nd[pred].layer;
        }
    }
    for (size_t v = 0; v < n; v++) {          /* sources, not starts */
        int lo = INT32_MAX, succ = -1, nout = 0;
        if (f->nodes[v].kind == FS_FLOW_START || f->nodes[v].kind == FS_FLOW_SIDE ||
            in0[v] || L->nd[v].anchor >= 0)
            continue;
        for (size_t e = 0; e < L->m; e++)
            if (f->edges[e].from == (int)v) {
                nout++;
                succ = f->edges[e].to;
                if (fwd(L, e) && L->nd[succ].layer < lo)
                    lo = L->nd[succ].layer;
            }
        if (nout == 1 && lo != INT32_MAX && L->nd[succ].anchor < 0) {
            L->nd[v].anchor = succ;     /* an input: beside what it feeds */
            L->nd[v].rank = 1;
            L->nd[v].layer = lo;
        } else if (lo != INT32_MAX && lo - 1 > L->nd[v].layer)
            L->nd[v].layer = lo - 1;
    }
    for (size_t v = 0; v < n; v++)
        if (f->nodes[v].kind == FS_FLOW_SIDE) {
            L->nd[v].anchor = f->nodes[v].feeds;
            L->nd[v].rank = 2;
            L->nd[v].layer = L->nd[f->nodes[v].feeds].layer;
        }
    L->nlayers = 0;
    for (size_t v = 0; v < n; v++)
        if (L->nd[v].layer + 1 > L->nlayers)
            L->nlayers = L->nd[v].layer + 1;
    free(indeg);
    free(queue);
    free(in0);
}

/* Is V a node of the grid's main flow (not side, not a branch)? */
static int on_grid(const layout *L, size_t v)
{
    return L->nd[v].anchor < 0 && L->f->nodes[v].kind != FS_FLOW_SIDE;
}

typedef struct occupancy {
    int *cell;                  /* nlayers x (2n + 1): node or -1          */
    int off, ncols;
} occupancy;

/* Puts V in the free column of its layer nearest to WANT, trying
 * WANT + DIR, WANT - DIR, WANT + 2 DIR … when WANT is taken (DIR = 0:
 * want itself first, then right before left). */
static void put_col(layout *L, occupancy *oc, size_t v, int want, int dir)
{
    int l = L->nd[v].layer;

    for (int d = 0; d <= oc->off * 2; d++) {
        int tries[2], nt = 0;
        if (d == 0) {
            if (dir == 0)
                tries[nt++] = want;
        } else {
            int s = dir ? dir : 1;
            tries[nt++] = want + s * d;
            tries[nt++] = want - s * d;
        }
        for (int t = 0; t < nt; t++) {
            int c = tries[t];
            if (c < -oc->off || c > oc->off || oc->cell[l * oc->ncols + c + oc->off] >= 0)
                continue;
            oc->cell[l * oc->ncols + c + oc->off] = (int)v;
            L->nd[v].col = c;
            L->nd[v].placed = 1;
            return;
        }
    }
}

/* qsort order of ints: ascending. */
static int int_cmp(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

/* The median column of the placed forward neighbours of V (predecessors
 * with PREDS, else successors); 0 and returns 0 when there is none. */
static int neighbour_col(const layout *L, size_t v, int preds, int *col)
{
    int *cols = fs_xmalloc((L->m + 1) * sizeof *cols), k = 0;

    for (size_t e = 0; e < L->m; e++) {
        const fs_flow_edge *ed = &L->f->edges[e];
        int u = preds ? ed->from : ed->to;
        if ((preds ? ed->to : ed->from) == (int)v && fwd(L, e) &&
            on_grid(L, (size_t)u) && L->nd[u].placed)
            cols[k++] = L->nd[u].col;
    }
    qsort(cols, (size_t)k, sizeof *cols, int_cmp);
    *col = k ? cols[(k - 1) / 2] : 0;
    free(cols);
    return k;
}

/* Columns: the longest chain from the first start in column 0, the rest
 * of the main flow near its neighbours, branches and inputs to the right
 * of and side nodes to the left of the node they sit beside (the other
 * side, or further out, when that is taken). */
static void assign_columns(layout *L)
{
    const fs_flow *f = L->f;
    size_t n = L->n;
    occupancy oc;
    int *height = fs_xcalloc(n, sizeof *height), s = -1;

    oc.off = (int)n;
    oc.ncols = 2 * (int)n + 1;
    oc.cell = fs_xmalloc((size_t)L->nlayers * (size_t)oc.ncols * sizeof *oc.cell);
    for (int i = 0; i < L->nlayers * oc.ncols; i++)
        oc.cell[i] = -1;
    for (size_t it = 0; it < n; it++)           /* longest path to a sink */
        for (size_t e = 0; e < L->m; e++) {
            const fs_flow_edge *ed = &f->edges[e];
            if (fwd(L, e) && on_grid(L, (size_t)ed->from) && on_grid(L, (size_t)ed->to) &&
                height[ed->from] < height[ed->to] + 1)
                height[ed->from] = height[ed->to] + 1;
        }
    for (size_t v = 0; v < n && s < 0; v++)
        if (f->nodes[v].kind == FS_FLOW_START && on_grid(L, v))
            s = (int)v;
    while (s >= 0) {
        int next = -1;
        put_col(L, &oc, (size_t)s, 0, 0);
        for (size_t e = 0; e < L->m; e++) {
            int w = f->edges[e].to;
            if (f->edges[e].from == s && fwd(L, e) && on_grid(L, (size_t)w) &&
                !L->nd[w].placed && (next < 0 || height[w] > height[next]))
                next = w;
        }
        s = next;
    }
    for (size_t pass = 0; pass <= n; pass++) {
        int left = 0;
        for (int l = 0; l < L->nlayers; l++)
            for (size_t v = 0; v < n; v++) {
                int c;
                if (L->nd[v].layer != l || !on_grid(L, v) || L->nd[v].placed)
                    continue;
                if (neighbour_col(L, v, 1, &c) || pass > 0)
                    put_col(L, &oc, v, c, 0);
                else
                    left = 1;
            }
        for (size_t v = 0; v < n && left; v++) {
            int c;
            if (!on_grid(L, v) || L->nd[v].placed)
                continue;
            if (neighbour_col(L, v, 0, &c))
                put_col(L, &oc, v, c, 0);
        }
        left = 0;
        for (size_t v = 0; v < n; v++)
            left |= on_grid(L, v) && !L->nd[v].placed;
        if (!left)
            break;
    }
    for (int rank = 0; rank < 3; rank++)        /* branches, inputs, sides */
        for (size_t v = 0; v < n; v++) {
            int a = L->nd[v].anchor;
            if (a < 0 || L->nd[v].rank != rank)
                continue;
            put_col(L, &oc, v, L->nd[a].col, rank == 2 ? -1 : 1);
        }
    L->cmin = L->cmax = 0;
    for (size_t v = 0; v < n; v++) {
        if (L->nd[v].col < L->cmin)
            L->cmin = L->nd[v].col;
        if (L->nd[v].col > L->cmax)
            L->cmax = L->nd[v].col;
    }
    free(oc.cell);
    free(height);
}

/* Sizes every box to its wrapped label (steps and reviews of one column
 * as wide as the widest of them) and puts the boxes on the grid: column
 * and layer centres, columns as wide as their widest box and COLGAP
 * apart, layers as high as their highest box and LAYERGAP apart. */
static void place_boxes(layout *L)
{
    const fs_flow *f = L->f;
    const params *p = &L->p;
    int nc = L->cmax - L->cmin + 1;
    double *cw = fs_xcalloc((size_t)nc, sizeof *cw), *sw = fs_xcalloc((size_t)nc, sizeof *sw);
    double *lh = fs_xcalloc((size_t)L->nlayers, sizeof *lh);
    double *cx = fs_xcalloc((size_t)nc, sizeof *cx), *ly = fs_xcalloc((size_t)L->nlayers, sizeof *ly);
    double x = 0, y = 0, minw = 6 * L->size * PT_MM;

    for (size_t v = 0; v < L->n; v++) {
        lnode *d = &L->nd[v];
        fs_flow_kind k = f->nodes[v].kind;
        double frame;

        d->inset = k == FS_FLOW_REVIEW ? 0.8 * p->k : 0;
        frame = 2 * (p->padx + d->inset);
        fs_flow_wrap(L->fonts, f->node_style.role, L->size, f->nodes[v].label,
                     p->maxw - frame, 1, &d->text);
        d->box.w = fmax(d->text.width + frame, minw);
        d->box.h = (double)d->text.n * L->lead + 2 * (p->pady + d->inset);
        if (k == FS_FLOW_START || k == FS_FLOW_END) {
            d->radius = fmin(d->box.h / 2, 5 * p->k);
            d->box.w = fmax(d->box.w, d->text.width + frame + d->radius);
        }
        if ((k == FS_FLOW_STEP || k == FS_FLOW_REVIEW) && d->box.w > sw[d->col - L->cmin])
            sw[d->col - L->cmin] = d->box.w;
    }
    for (size_t v = 0; v < L->n; v++) {
        lnode *d = &L->nd[v];
        fs_flow_kind k = f->nodes[v].kind;
        if (k == FS_FLOW_STEP || k == FS_FLOW_REVIEW)
            d->box.w = sw[d->col - L->cmin];
        if (d->box.w > cw[d->col - L->cmin])
            cw[d->col - L->cmin] = d->box.w;
        if (d->box.h > lh[d->layer])
            lh[d->layer] = d->box.h;
    }
    for (int c = 0; c < nc; c++)
        if (cw[c] > 0) {
            cx[c] = x + cw[c] / 2;
            x += cw[c] + p->colgap;
        }
    for (int l = 0; l < L->nlayers; l++)
        if (lh[l] > 0) {
            ly[l] = y + lh[l] / 2;
            y += lh[l] + p->layergap;
        }
    for (size_t v = 0; v < L->n; v++) {
        lnode *d = &L->nd[v];
        d->box.x = cx[d->col - L->cmin] - d->box.w / 2;
        d->box.y = ly[d->layer] - d->box.h / 2;
    }
    free(cw);
    free(sw);
    free(lh);
    free(cx);
    free(ly);
}

/* ------------------------------------------------------------------------
 * Layout: arrow labels, composing, fitting.
 * ---------------------------------------------------------------------- */

#define LABEL_GAP    1.0        /* label box to its line, mm               */

/* Finds a place for a LW x LH box beside route RT: along each segment in
 * turn from the source, as near its start as it can be, right of (or
 * above) the line before left of (or below) it.  Returns 1 and *OUT, or 0. */
static int label_along(const obstacles *o, const route *rt, double lw,
                       double lh, rect *out)
{
    const rect nobounds = {0, 0, 0, 0};

    for (size_t k = 0; k + 1 < rt->n; k++) {
        fs_draw_point a = rt->pts[k], b = rt->pts[k + 1];
        int vertical = fabs(a.x - b.x) < EPS;
        double len = vertical ? fabs(b.y - a.y) : fabs(b.x - a.x);
        double sgn = (vertical ? b.y - a.y : b.x - a.x) > 0 ? 1 : -1;
        double along = vertical ? lh : lw;

        for (double c = fmin(along / 2 + 1.0, len / 2); c <= len - 0.5 + EPS; c += 0.5)
            for (int side = 0; side < 2; side++) {
                rect r = {0, 0, lw, lh};
                if (vertical) {
                    r.x = side == 0 ? a.x + LABEL_GAP : a.x - LABEL_GAP - lw;
                    r.y = a.y + sgn * c - lh / 2;
                } else {
                    r.x = a.x + sgn * c - lw / 2;
                    r.y = side == 0 ? a.y - LABEL_GAP - lh : a.y + LABEL_GAP;
                }
                if (fs_flow_obst_clear(o, r, LABEL_MARGIN, nobounds)) {
                    *out = r;
                    return 1;
                }
            }
    }
    return 0;
}

/* Wraps and places the label of every edge that has one. */
static void place_labels(layout *L)
{
    obstacles o = {0};
    const rect nobounds = {0, 0, 0, 0};

    for (size_t v = 0; v < L->n; v++)
        fs_flow_obst_add(&o, L->nd[v].box);
    for (size_t e = 0; e < L->m; e++)
        fs_flow_obst_add_line(&o, L->rt[e].pts, L->rt[e].n, LINE_HW, 1,
                              2.6 * L->p.k + 0.4, ARROW_HW);
    for (size_t e = 0; e < L->m; e++) {
        const char *label = L->f->edges[e].label;
        double lw, lh;
        rect r;

        if (!label)
            continue;
        fs_flow_wrap(L->fonts, L->f->edge_style.role, L->esize, label, 30, 1,
                     &L->etext[e]);
        lw = L->etext[e].width + 1.2;
        lh = (double)L->etext[e].n * L->elead + 0.4;
        if (!label_along(&o, &L->rt[e], lw, lh, &r) &&
            !fs_flow_search_free(&o, L->rt[e].pts[0].x - lw / 2, L->rt[e].pts[0].y - lh / 2,
                                 lw, lh, 30, LABEL_MARGIN, nobounds, &r)) {
            r = (rect){L->rt[e].pts[0].x, L->rt[e].pts[0].y, lw, lh};
            L->ok = 0;
        }
        L->lab[e] = r;
        fs_flow_obst_add(&o, r);
    }
    free(o.v);
}

/* Grows *BB to take in R. */
static void bbox_add(rect *bb, rect r)
{
    double x1, y1;

    if (bb->w < 0) {
        *bb = r;
        return;
    }
    x1 = fmax(bb->x + bb->w, r.x + r.w);
    y1 = fmax(bb->y + bb->h, r.y + r.h);
    bb->x = fmin(bb->x, r.x);
    bb->y = fmin(bb->y, r.y);
    bb->w = x1 - bb->x;
    bb->h = y1 - bb->y;
}

/* Everything the chart of L covers (arrows with their heads' width). */
static rect layout_bbox(const layout *L)
{
    rect bb = {0, 0, -1, -1};

    for (size_t v = 0; v < L->n; v++)
        bbox_add(&bb, L->nd[v].box);
    for (size_t e = 0; e < L->m; e++) {
        for (size_t i = 0; i < L->rt[e].n; i++)
            bbox_add(&bb, (rect){L->rt[e].pts[i].x - 1, L->rt[e].pts[i].y - 1, 2, 2});
        if (L->etext[e].n)
            bbox_add(&bb, L->lab[e]);
    }
    return bb;
}

/* Moves the chart of L by DX, DY (boxes only with BOXES_ONLY, and then
 * not the pinned ones). */
static void layout_move(layout *L, double dx, double dy, int boxes_only)
{
    for (size_t v = 0; v < L->n; v++)
        if (!boxes_only || !L->f->nodes[v].pinned) {
            L->nd[v].box.x += dx;
            L->nd[v].box.y += dy;
        }
    for (size_t e = 0; !boxes_only && e < L->m; e++) {
        for (size_t i = 0; i < L->rt[e].n; i++) {
            L->rt[e].pts[i].x += dx;
            L->rt[e].pts[i].y += dy;
        }
        L->lab[e].x += dx;
        L->lab[e].y += dy;
    }
}

/* The chart of L as a drawing of W x H mm: a shape per node and a
 * connector per edge, both in file order. */
static fs_drawing *compose(const layout *L, double w, double h)
{
    const fs_flow *f = L->f;
    fs_drawing *dr = fs_drawing_new(w, h);

    for (size_t v = 0; v < L->n; v++) {
        const lnode *d = &L->nd[v];
        fs_flow_kind k = f->nodes[v].kind;
        fs_shape_kind sk = k == FS_FLOW_REVIEW ? FS_SHAPE_DOUBLE :
                           (k == FS_FLOW_START || k == FS_FLOW_END) ? FS_SHAPE_ROUNDED :
                           FS_SHAPE_RECT;
        fs_draw_shape *s = fs_drawing_add_shape(dr, f->nodes[v].id, sk, d->box.x,
                                                d->box.y, d->box.w, d->box.h);
        double in = d->inset + L->p.padx, th = (double)d->text.n * L->lead;

        s->radius = d->radius;
        s->inset = d->inset;
        s->dashed = k == FS_FLOW_SIDE;
        fs_flow_put_lines(&s->label, &d->text, f->node_style.role, L->size, L->lead,
                          C_BLACK, FS_ALIGN_CENTER,
                          (rect){d->box.x + in, d->box.y + (d->box.h - th) / 2,
                                 d->box.w - 2 * in, th});
    }
    for (size_t e = 0; e < L->m; e++) {
        const fs_flow_edge *ed = &f->edges[e];
        fs_draw_connector *c = fs_drawing_add_connector(dr, f->nodes[ed->from].id,
                                                        f->nodes[ed->to].id,
                                                        L->rt[e].pts, L->rt[e].n);
        c->arrow_len = 2.6 * L->p.k;
        c->arrow_w = 1.8 * L->p.k;
        c->dashed = f->nodes[ed->from].kind == FS_FLOW_SIDE;
        if (L->etext[e].n)
            fs_flow_put_lines(&c->label, &L->etext[e], f->edge_style.role, L->esize,
                              L->elead, C_BLACK, FS_ALIGN_CENTER, L->lab[e]);
    }
    return dr;
}

/* Frees what L owns. */
static void layout_free(layout *L)
{
    for (size_t v = 0; L->nd && v < L->n; v++)
        fs_flow_wrapped_free(&L->nd[v].text);
    for (size_t e = 0; L->rt && e < L->m; e++) {
        free(L->rt[e].pts);
        fs_flow_wrapped_free(&L->etext[e]);
    }
    free(L->nd);
    free(L->back);
    free(L->rt);
    free(L->port_used);
    free(L->etext);
    free(L->lab);
}

/* Lays F out with the sizes P, centred in AREA (pinned boxes where they
 * are pinned).  Returns the chart as a drawing; *OK says whether every
 * arrow was routed and every label placed, *BB what the chart covers. */
static fs_drawing *layout_try(const fs_flow *f, const fs_fontset *fonts,
                              const params *p, rect area, int *ok, rect *bb)
{
    layout L;
    fs_drawing *dr;
    rect b = {0, 0, -1, -1};

    memset(&L, 0, sizeof L);
    L.f = f;
    L.fonts = fonts;
    L.p = *p;
    L.n = f->nnodes;
    L.m = f->nedges;
    L.size = f->node_style.size * p->k;
    L.esize = f->edge_style.size * p->k;
    L.lead = L.size * PT_MM * 1.3;
    L.elead = L.esize * PT_MM * 1.2;
    L.ok = 1;
    L.nd = fs_xcalloc(L.n, sizeof *L.nd);
    L.back = fs_xcalloc(L.m + 1, sizeof *L.back);
    L.rt = fs_xcalloc(L.m + 1, sizeof *L.rt);
    L.port_used = fs_xcalloc(L.n * 12, 1);
    L.etext = fs_xcalloc(L.m + 1, sizeof *L.etext);
    L.lab = fs_xcalloc(L.m + 1, sizeof *L.lab);
    for (size_t v = 0; v < L.n; v++) {
        L.nd[v].anchor = -1;
        L.pinned |= f->nodes[v].pinned;
    }
    find_back_edges(&L);
    assign_layers(&L);
    assign_columns(&L);
    place_boxes(&L);
    for (size_t v = 0; v < L.n; v++)         /* as if nothing were pinned */
        bbox_add(&b, L.nd[v].box);
    if (b.w >= 0)
        layout_move(&L, area.x + (area.w - b.w) / 2 - b.x,
                    area.y + (area.h - b.h) / 2 - b.y, 1);
    for (size_t v = 0; v < L.n; v++)
        if (f->nodes[v].pinned) {
            L.nd[v].box.x = f->nodes[v].x - L.nd[v].box.w / 2;
            L.nd[v].box.y = f->nodes[v].y - L.nd[v].box.h / 2;
        }
    fs_flow_route_all(&L);
    place_labels(&L);
    b = layout_bbox(&L);
    if (!L.pinned) {
        layout_move(&L, area.x + (area.w - b.w) / 2 - b.x,
                    area.y + (area.h - b.h) / 2 - b.y, 0);
        b = layout_bbox(&L);
    }
    dr = compose(&L, area.w, area.h);
    *ok = L.ok;
    *bb = b;
    layout_free(&L);
    return dr;
}

/* Scales the text T by S about (OX, OY) and moves it to (TX, TY). */
static void text_transform(fs_draw_text *t, double s, double ox, double oy,
                           double tx, double ty)
{
    t->x = (t->x - ox) * s + tx;
    t->y = (t->y - oy) * s + ty;
    t->w *= s;
    t->h *= s;
    t->size *= s;
    t->leading *= s;
    for (size_t i = 0; i < t->nlines; i++) {
        t->lines[i].x = (t->lines[i].x - ox) * s + tx;
        t->lines[i].y = (t->lines[i].y - oy) * s + ty;
        t->lines[i].width *= s;
    }
}

/* Scales everything in DR by S about (OX, OY), which goes to (TX, TY). */
static void drawing_transform(fs_drawing *dr, double s, double ox, double oy,
                              double tx, double ty)
{
    for (size_t i = 0; i < dr->nshapes; i++) {
        fs_draw_shape *sh = &dr->shapes[i];
        sh->x = (sh->x - ox) * s + tx;
        sh->y = (sh->y - oy) * s + ty;
        sh->w *= s;
        sh->h *= s;
        sh->radius *= s;
        sh->inset *= s;
        text_transform(&sh->label, s, ox, oy, tx, ty);
    }
    for (size_t i = 0; i < dr->nconnectors; i++) {
        fs_draw_connector *c = &dr->connectors[i];
        for (size_t k = 0; k < c->npts; k++) {
            c->pts[k].x = (c->pts[k].x - ox) * s + tx;
            c->pts[k].y = (c->pts[k].y - oy) * s + ty;
        }
        c->arrow_len *= s;
        c->arrow_w *= s;
        text_transform(&c->label, s, ox, oy, tx, ty);
    }
    for (size_t i = 0; i < dr->ntexts; i++)
        text_transform(&dr->texts[i].text, s, ox, oy, tx, ty);
}


/* Adds the 附件 label (top left) and the title (centred, wrapped into even
 * lines) to DR; returns where the chart may start, mm from the top. */
static double add_header(fs_drawing *dr, const fs_flow *f, const fs_fontset *fonts)
{
    fs_flow_style a = f->attachment_style, t = f->title_style;
    double lead = a.size * PT_MM * 1.5, y;
    fs_draw_item *it;
    wrapped w;

    fs_flow_wrap(fonts, a.role, a.size, f->attachment, dr->width, 0, &w);
    it = fs_drawing_add_text(dr, FS_TEXT_ATTACHMENT, NULL, 0, 0, 0, 0);
    fs_flow_put_lines(&it->text, &w, a.role, a.size, lead, C_BLACK, FS_ALIGN_LEFT,
                      (rect){0, 0, dr->width, (double)w.n * lead});
    y = (double)w.n * lead + 4;
    fs_flow_wrapped_free(&w);
    lead = t.size * PT_MM * 1.3;
    fs_flow_wrap(fonts, t.role, t.size, f->title, dr->width, 1, &w);
    it = fs_drawing_add_text(dr, FS_TEXT_TITLE, NULL, 0, 0, 0, 0);
    fs_flow_put_lines(&it->text, &w, t.role, t.size, lead, C_BLACK, FS_ALIGN_CENTER,
                      (rect){0, y, dr->width, (double)w.n * lead});
    y += (double)w.n * lead + 6;
    fs_flow_wrapped_free(&w);
    return y;
}

/* Lays F out on one page; see fs-flow.h. */
fs_drawing *fs_flow_layout(const fs_flow *f, const fs_fontset *fonts,
                           const fs_page_setup *page, fs_diags *diags)
{
    const fs_page_setup a4 = {210, 297, 37, 35, 28, 26, FS_PAGENUM_GBT9704};
    const size_t nsets = sizeof param_sets / sizeof *param_sets;
    fs_drawing *dr, *chart = NULL;
    rect area, bb = {0, 0, 0, 0};
    int ok = 0, fits = 0, pinned = 0;

    if (!page)
        page = &a4;
    dr = fs_drawing_new(page->width - page->left - page->right,
                        page->height - page->top - page->bottom);
    dr->page_w = page->width;
    dr->page_h = page->height;
    dr->page_x = page->left;
    dr->page_y = page->top;
    dr->title = fs_strdup(f->title);
    area.y = add_header(dr, f, fonts);
    dr->legend_h = 16;
    dr->legend_y = dr->height - dr->legend_h;
    area.x = 0;
    area.w = dr->width;
    area.h = dr->legend_y - 2 - area.y;
    dr->chart_x = area.x, dr->chart_y = area.y, dr->chart_w = area.w, dr->chart_h = area.h;
    for (size_t v = 0; v < f->nnodes; v++)
        pinned |= f->nodes[v].pinned;

    /* the first set of sizes that routes and fits; else the first that
     * routes; else the smallest */
    for (size_t i = 0; i < nsets; i++) {
        int ok1;
        rect bb1;
        fs_drawing *c = layout_try(f, fonts, &param_sets[i], area, &ok1, &bb1);
        int fits1 = bb1.x >= area.x - EPS && bb1.y >= area.y - EPS &&
                    bb1.x + bb1.w <= area.x + area.w + EPS &&
                    bb1.y + bb1.h <= area.y + area.h + EPS;
        if (!chart || (ok1 && !ok) || (ok1 == ok && fits1 && !fits) ||
            (ok1 == ok && !fits && !fits1 && i + 1 == nsets)) {
            fs_drawing_free(chart);
            chart = c;
            ok = ok1, fits = fits1, bb = bb1;
        } else
            fs_drawing_free(c);
        if (ok && fits)
            break;
    }
    if (!fits && !pinned) {
        double s = fmin(area.w / bb.w, area.h / bb.h);
        if (s > 1)
            s = 1;
        drawing_transform(chart, s, bb.x, bb.y, area.x + (area.w - bb.w * s) / 2,
                          area.y + (area.h - bb.h * s) / 2);
        if (s < 0.6)
            fs_diags_add(diags, f->path, 0, FS_WARNING,
                         "流程图过大，已缩小到 %.0f%% 才能放进一页，文字可能过小", s * 100);
    } else if (!fits)
        fs_diags_add(diags, f->path, 0, FS_WARNING,
                     "按指定坐标放置的流程图超出了版心（%.0f × %.0f 毫米的作图区）",
                     area.w, area.h);
    if (!ok)
        fs_diags_add(diags, f->path, 0, FS_WARNING,
                     "有箭头或箭头文字无法避开方框和其他连线，请检查方框坐标");
    for (size_t a = 0; pinned && a < chart->nshapes; a++)
        for (size_t b = a + 1; b < chart->nshapes; b++) {
            fs_draw_shape *p = &chart->shapes[a], *q = &chart->shapes[b];
            if (fs_flow_overlaps((rect){p->x - 1, p->y - 1, p->w + 2, p->h + 2},
                                 (rect){q->x, q->y, q->w, q->h}))
                fs_diags_add(diags, f->path, f->nodes[a].line, FS_WARNING,
                             "方框 %s 与方框 %s 重叠或相距不到 1 毫米", p->id, q->id);
        }
    fs_drawing_take(dr, chart);
    return dr;
}

