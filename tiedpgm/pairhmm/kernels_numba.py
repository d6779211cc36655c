"""Pair-HMM kernels in Numba: forward, backward, posteriors, Viterbi, MEA, EM counts.

Arrays only, no model, no validation (see :mod:`.kernels_reference` for the layout of
states: 0 = M, 1..K = X_k, K+1..2K = Y_k). They exploit the Durbin structure: M is
entered from every state, X_k only from M and X_k, Y_k only from M and Y_k.

Numerics. Forward/backward work in probability space, which is ~10x faster than
log-space ``logaddexp``:

* emissions are divided by per-symbol normalisers ``rx[a]``, ``ry[b]`` (the insert
  emission probabilities), so a match cell carries the odds ``p(a,b) / (rx(a) ry(b))``
  and insert cells carry ~1; the normalisers are added back in log space at the end;
* each DP row is divided by a scale (its sum in the striped kernels, its maximum in the
  unstriped ones used for EM counts) and the log of that scale is accumulated.

Layout. Forward, backward, posteriors and MEA (not the EM counts) use a striped row
layout: see the section "striped forward rows" below. Viterbi stays in log space (exact
max-plus, bit-identical to the reference).

A cell below 1e-280 of its row scale is flushed to zero (far off-diagonal cells of
long pairs; keeping them would only produce slow subnormal arithmetic). If the total
probability itself ends up below 1e-200 of the last row's scale after such a flush
(extremely unbalanced lengths, e.g. 1 vs 1000 residues), the pair is flagged and the
callers recompute it with the log-space reference, so results never silently lose
precision.

Batch entry points take concatenated codes plus offsets and a partition of the pairs
into ``n_chunks`` chunks balanced by DP cells; ``prange`` runs over chunks, each with
its own count buffer, followed by one serial reduction. ``PairHMM.score_many`` and
``align_many(method="mea")`` use the lane-group kernels of :mod:`.kernels_lanes`
instead (eight pairs per vector lane group); :func:`batch_score` and :func:`batch_mea`
here remain as the per-pair batch versions.
"""
import numpy as np
from numba import njit, prange

_TINY = 1e-280
_SMALL_TOTAL = 1e-200
NEG_INF = -np.inf


# ------------------------------------------------------------- striped forward rows
# Score-only forward in a striped layout: a DP row of m columns is cut into 8 segments
# of L = ceil(m / 8) columns; column j = s*L + t + 1 sits at flat index 8 + 8*t + s, and
# slots 0..7 are a halo (slot 0 = column 0, slot s = the last column of segment s-1). The
# M and X cells of a row depend only on the previous row at index q-8 or q, so they are
# computed by plain loops over contiguous arrays that the compiler vectorises. The Y
# chain (a first-order linear recurrence along the row) runs as 8 independent chains,
# one per segment, started from zero; a per-pair table of running products of the Y->Y
# factors then adds each segment's true carry-in (y_true = y_local + prod * carry).
# Rows are scaled by their sum (not their maximum: sums vectorise, maxima do not here).
# Only sums are reassociated (fastmath subset below); values are finite and >= 0.
_FM = {"nnan", "ninf", "nsz", "reassoc", "contract"}


@njit(cache=True)
def _stripe_len(m):
    return max(1, (m + 7) // 8)


@njit(cache=True)
def _col_index(j, L):
    if j == 0:
        return 0
    return 8 + ((j - 1) % L) * 8 + (j - 1) // L


@njit(cache=True)
def _y_profile(y, trans, om, fy):
    m = y.shape[0]
    S = trans.shape[0]
    K = (S - 1) // 2
    A = om.shape[0]
    L = _stripe_len(m)
    W8 = (L + 1) * 8
    prof = np.zeros((A, W8))
    ay = np.zeros((K, W8))
    by = np.zeros((K, W8))
    pc = np.zeros((K, W8))
    for j in range(1, m + 1):
        idx = _col_index(j, L)
        b = y[j - 1]
        for a in range(A):
            prof[a, idx] = om[a, b]
        for k in range(K):
            yk = 1 + K + k
            ay[k, idx] = fy[k, b] * trans[0, yk]
            by[k, idx] = fy[k, b] * trans[yk, yk]
    for k in range(K):
        for s in range(8):
            p = 1.0
            for t in range(L):
                idx = 8 + t * 8 + s
                p *= by[k, idx]
                pc[k, idx] = p
    return prof, ay, by, pc


@njit(cache=True, fastmath=_FM)
def _f_m1(Fp, Fc, prof, xi, L, t_mm, t_x1m, t_y1m, mx, fl):
    """M cells of row c from row p (one insert pair), with flush and running sum. The
    row kernels index the whole table (no per-row views: those cost reference counting)."""
    for q in range(8 * L):
        v = prof[xi, q + 8] * (t_mm * Fp[0, q] + t_x1m * Fp[1, q] + t_y1m * Fp[2, q])
        f = v if v < _TINY else 0.0
        v = v if v >= _TINY else 0.0
        fl += f
        mx += v
        Fc[0, q + 8] = v
    return mx, fl


@njit(cache=True, fastmath=_FM)
def _f_m2(Fp, Fc, prof, xi, L, t_mm, t_x1m, t_y1m, t_x2m, t_y2m, mx, fl):
    """M cells, two insert pairs (states 1, 2 = X1, X2; 3, 4 = Y1, Y2)."""
    for q in range(8 * L):
        v = prof[xi, q + 8] * (t_mm * Fp[0, q] + t_x1m * Fp[1, q] + t_y1m * Fp[3, q]
                               + t_x2m * Fp[2, q] + t_y2m * Fp[4, q])
        f = v if v < _TINY else 0.0
        v = v if v >= _TINY else 0.0
        fl += f
        mx += v
        Fc[0, q + 8] = v
    return mx, fl


@njit(cache=True, fastmath=_FM)
def _f_x(pm, px, cx, L, a_m, a_x, mx, fl):
    """X cells of state sx (from the previous row, same column)."""
    for q in range(8 * L):
        v = a_m * pm[q + 8] + a_x * px[q + 8]
        f = v if v < _TINY else 0.0
        v = v if v >= _TINY else 0.0
        fl += f
        mx += v
        cx[q + 8] = v
    return mx, fl


@njit(cache=True, fastmath=_FM)
def _f_yl(cy, cm, ay, by, k, L):
    """Local Y chains: F[c, sy, q+8] = ay*M[q] + by*Y[q]: the 8 segments advance
    together (dependence distance 8), from the carry-in in the halo cy[0:8]."""
    for q in range(8 * L):
        cy[q + 8] = ay[k, q + 8] * cm[q] + by[k, q + 8] * cy[q]


@njit(cache=True, fastmath=_FM)
def _f_yl2(cy1, cy2, cm, ay, by, L):
    """_f_yl for both chains of two insert pairs in one loop (more independent work)."""
    for q in range(8 * L):
        m_ = cm[q]
        cy1[q + 8] = ay[0, q + 8] * m_ + by[0, q + 8] * cy1[q]
        cy2[q + 8] = ay[1, q + 8] * m_ + by[1, q + 8] * cy2[q]


@njit(cache=True, fastmath=_FM)
def _f_yfix(cy, pck, c8, L, mx, fl):
    """Y += running product * carry of its segment; flush; running sum. c8[0:8] holds the
    carries, c8[8:72] receives them tiled 8 times so the main loop runs over blocks of
    64 contiguous values."""
    if c8.shape[0] < 72:
        raise ValueError("carry buffer must hold 72 values")
    for i in range(64):
        c8[8 + i] = c8[i & 7]
    n = 8 * L
    nb = n // 64
    for b in range(nb):
        base = 8 + b * 64
        for i in range(64):
            v = cy[base + i] + pck[base + i] * c8[8 + i]
            f = v if v < _TINY else 0.0
            v = v if v >= _TINY else 0.0
            fl += f
            mx += v
            cy[base + i] = v
    for q in range(nb * 64, n):
        v = cy[q + 8] + pck[q + 8] * c8[q & 7]
        f = v if v < _TINY else 0.0
        v = v if v >= _TINY else 0.0
        fl += f
        mx += v
        cy[q + 8] = v
    return mx, fl


@njit(cache=True)
def _fwd_row_s(i, x, L, trans, fx, prof, ay, by, pc, F, p, c, inv, c8):
    """Striped forward row i into F[c] from F[p] scaled by inv (F: (rows, S, W8)).

    Returns (sum of the new row, whether cells below 1e-280 were flushed to zero)."""
    S = F.shape[1]
    W8 = F.shape[2]
    K = (S - 1) // 2
    two = K == 2
    x1, y1 = 1, 1 + K
    x2, y2 = (2, 4) if two else (1, 2)
    last = 8 + (L - 1) * 8 - 1
    mx = 0.0
    fl = 0.0
    if i == 0:
        for s in range(S):
            for q in range(W8):
                F[c, s, q] = 0.0
        F[c, 0, 0] = 1.0
        mx = 1.0
    else:
        xi = x[i - 1]
        f1 = fx[0, xi] * inv
        f2 = fx[K - 1, xi] * inv
        a_mx1, a_x1x1 = f1 * trans[0, x1], f1 * trans[x1, x1]
        a_mx2 = f2 * trans[0, x2] if two else 0.0
        a_x2x2 = f2 * trans[x2, x2] if two else 0.0
        # column 0: X only
        v = a_mx1 * F[p, 0, 0] + a_x1x1 * F[p, x1, 0]
        if v < _TINY:
            fl += v
            v = 0.0
        F[c, 0, 0] = 0.0
        F[c, x1, 0] = v
        mx = v
        if two:
            v = a_mx2 * F[p, 0, 0] + a_x2x2 * F[p, x2, 0]
            if v < _TINY:
                fl += v
                v = 0.0
            F[c, x2, 0] = v
            mx += v
            mx, fl = _f_m2(F[p], F[c], prof, xi, L, trans[0, 0] * inv, trans[x1, 0] * inv,
                           trans[y1, 0] * inv, trans[x2, 0] * inv, trans[y2, 0] * inv, mx, fl)
        else:
            mx, fl = _f_m1(F[p], F[c], prof, xi, L, trans[0, 0] * inv, trans[x1, 0] * inv,
                           trans[y1, 0] * inv, mx, fl)
        mx, fl = _f_x(F[p, 0], F[p, x1], F[c, x1], L, a_mx1, a_x1x1, mx, fl)
        if two:
            mx, fl = _f_x(F[p, 0], F[p, x2], F[c, x2], L, a_mx2, a_x2x2, mx, fl)
    # halo of M and X: slot s = last column of segment s-1
    for s in range(1, 8):
        F[c, 0, s] = F[c, 0, last + s]
        F[c, x1, s] = F[c, x1, last + s]
        if two:
            F[c, x2, s] = F[c, x2, last + s]
    # Y chains: local chains from zero, carries, correction (+ flush and sum)
    for k in range(K):
        for s in range(8):
            F[c, 1 + K + k, s] = 0.0
    if two:
        _f_yl2(F[c, 3], F[c, 4], F[c, 0], ay, by, L)
    else:
        _f_yl(F[c, 2], F[c, 0], ay, by, 0, L)
    for k in range(K):
        sy = 1 + K + k
        c8[0] = 0.0
        for s in range(1, 8):
            c8[s] = F[c, sy, last + s] + pc[k, last + s] * c8[s - 1]
        mx, fl = _f_yfix(F[c, sy], pc[k], c8, L, mx, fl)
        for s in range(1, 8):
            F[c, sy, s] = F[c, sy, last + s]
    return mx, fl > 0.0


# --------------------------------------------------------------------------- forward
@njit(cache=True)
def _fwd_row(i, x, y, trans, om, fx, fy, prev, inv, cur):
    """Fill row i of the forward table from row i-1 (``prev``) times ``inv`` (1 / max of
    ``prev``), so each stored row is scaled by the maxima of all rows before it.

    One fused pass over j: the M and X cells need only the previous row, the Y cells form
    a chain along the row; with n_insert_pairs=2 both chains share the loop so their
    latencies overlap. Transition entries are hoisted into scalars (the arrays could
    alias as far as the compiler knows). Returns (max of the new row, whether cells below
    1e-280 were flushed to zero).
    """
    S, W = cur.shape
    K = (S - 1) // 2
    two = K == 2
    m = W - 1
    x1, y1 = 1, 1 + K
    x2, y2 = (2, 4) if two else (1, 2)
    flushed = False
    mx = 0.0
    t_mm, t_x1m, t_y1m = trans[0, 0] * inv, trans[x1, 0] * inv, trans[y1, 0] * inv
    t_mx1, t_x1x1 = trans[0, x1] * inv, trans[x1, x1] * inv
    t_my1, t_y1y1 = trans[0, y1], trans[y1, y1]
    t_x2m = trans[x2, 0] * inv if two else 0.0
    t_y2m = trans[y2, 0] * inv if two else 0.0
    t_mx2 = trans[0, x2] * inv if two else 0.0
    t_x2x2 = trans[x2, x2] * inv if two else 0.0
    t_my2 = trans[0, y2] if two else 0.0
    t_y2y2 = trans[y2, y2] if two else 0.0
    fy1, fy2 = fy[0], fy[K - 1]
    if i == 0:
        for s in range(S):
            for j in range(W):
                cur[s, j] = 0.0
        cur[0, 0] = 1.0
        mx = 1.0
        pm = 1.0
        py1 = 0.0
        py2 = 0.0
        for j in range(1, m + 1):
            yj = y[j - 1]
            v1 = fy1[yj] * (t_my1 * pm + t_y1y1 * py1)
            if v1 < _TINY:
                flushed = flushed or v1 != 0.0
                v1 = 0.0
            cur[y1, j] = v1
            py1 = v1
            mx = max(mx, v1)
            if two:
                v2 = fy2[yj] * (t_my2 * pm + t_y2y2 * py2)
                if v2 < _TINY:
                    flushed = flushed or v2 != 0.0
                    v2 = 0.0
                cur[y2, j] = v2
                py2 = v2
                mx = max(mx, v2)
            pm = 0.0
        return mx, flushed
    xi = x[i - 1]
    omx = om[xi]
    fx1 = fx[0, xi]
    fx2 = fx[K - 1, xi]
    # column 0: only X cells
    p_m, p_x1, p_x2 = prev[0, 0], prev[x1, 0], prev[x2, 0] if two else 0.0
    v = fx1 * (t_mx1 * p_m + t_x1x1 * p_x1)
    if v < _TINY:
        flushed = flushed or v != 0.0
        v = 0.0
    cur[0, 0] = 0.0
    cur[x1, 0] = v
    cur[y1, 0] = 0.0
    mx = v
    if two:
        v = fx2 * (t_mx2 * p_m + t_x2x2 * p_x2)
        if v < _TINY:
            flushed = flushed or v != 0.0
            v = 0.0
        cur[x2, 0] = v
        cur[y2, 0] = 0.0
        mx = max(mx, v)
    # (i, j-1) values carried along the row
    cm, cy1, cy2 = 0.0, 0.0, 0.0
    # (i-1, j-1) values carried along the previous row
    dm, dx1, dy1 = p_m, p_x1, prev[y1, 0]
    dx2 = p_x2
    dy2 = prev[y2, 0] if two else 0.0
    for j in range(1, m + 1):
        yj = y[j - 1]
        cml = cm
        um, ux1 = prev[0, j], prev[x1, j]
        # M
        acc = t_mm * dm + t_x1m * dx1 + t_y1m * dy1
        if two:
            acc += t_x2m * dx2 + t_y2m * dy2
        vm = omx[yj] * acc
        # X
        vx1 = fx1 * (t_mx1 * um + t_x1x1 * ux1)
        # Y (chain)
        vy1 = fy1[yj] * (t_my1 * cml + t_y1y1 * cy1)
        if vm < _TINY:
            flushed = flushed or vm != 0.0
            vm = 0.0
        if vx1 < _TINY:
            flushed = flushed or vx1 != 0.0
            vx1 = 0.0
        if vy1 < _TINY:
            flushed = flushed or vy1 != 0.0
            vy1 = 0.0
        cur[0, j] = vm
        cur[x1, j] = vx1
        cur[y1, j] = vy1
        mx = max(mx, max(vm, max(vx1, vy1)))
        dm, dx1, dy1 = um, ux1, prev[y1, j]
        cm, cy1 = vm, vy1
        if two:
            ux2 = prev[x2, j]
            vx2 = fx2 * (t_mx2 * um + t_x2x2 * ux2)
            vy2 = fy2[yj] * (t_my2 * cml + t_y2y2 * cy2)
            if vx2 < _TINY:
                flushed = flushed or vx2 != 0.0
                vx2 = 0.0
            if vy2 < _TINY:
                flushed = flushed or vy2 != 0.0
                vy2 = 0.0
            cur[x2, j] = vx2
            cur[y2, j] = vy2
            mx = max(mx, max(vx2, vy2))
            dx2, dy2 = ux2, prev[y2, j]
            cy2 = vy2
    return mx, flushed


@njit(cache=True)
def _norm_offset(x, y, lrx, lry):
    acc = 0.0
    for i in range(x.shape[0]):
        acc += lrx[x[i]]
    for j in range(y.shape[0]):
        acc += lry[y[j]]
    return acc


@njit(cache=True)
def forward_score(x, y, trans, end, om, fx, fy, lrx, lry):
    """Return (log P(x, y), flag) using two rolling striped rows (no full table)."""
    n, m, S = x.shape[0], y.shape[0], trans.shape[0]
    L = _stripe_len(m)
    prof, ay, by, pc = _y_profile(y, trans, om, fy)
    W8 = (L + 1) * 8
    rows = np.zeros((2, S, W8))
    c8 = np.empty(72)
    logscale = 0.0
    flag = False
    mx = 1.0
    for i in range(n + 1):
        if i > 0:
            logscale += np.log(mx)
        mx, fl = _fwd_row_s(i, x, L, trans, fx, prof, ay, by, pc, rows, (i + 1) % 2, i % 2,
                            1.0 / mx, c8)
        flag = flag or fl
        if mx == 0.0:
            return NEG_INF, flag
    last = rows[n % 2]
    jm = _col_index(m, L)
    tot = 0.0
    for s in range(S):
        tot += end[s] * last[s, jm]
    flag = flag and tot < _SMALL_TOTAL * mx
    if tot == 0.0:
        return NEG_INF, flag
    return np.log(tot) + logscale + _norm_offset(x, y, lrx, lry), flag


@njit(cache=True)
def forward_full(x, y, trans, end, om, fx, fy, f, cumf):
    """Fill f (n+1, S, m+1) with scaled forward rows and cumf (n+1,) with their log
    scales (true f[i] = stored f[i] * exp(cumf[i])); return (log P in odds space, flag)."""
    n, m = x.shape[0], y.shape[0]
    S = trans.shape[0]
    acc = 0.0
    flag = False
    mx = 1.0
    for i in range(n + 1):
        if i > 0:
            acc += np.log(mx)
        cumf[i] = acc
        prev = f[i - 1] if i > 0 else f[0]
        mx, fl = _fwd_row(i, x, y, trans, om, fx, fy, prev, 1.0 / mx, f[i])
        flag = flag or fl
        if mx == 0.0:
            return NEG_INF, flag
    tot = 0.0
    for s in range(S):
        tot += end[s] * f[n, s, m]
    flag = flag and tot < _SMALL_TOTAL * mx
    if tot == 0.0:
        return NEG_INF, flag
    return np.log(tot) + cumf[n], flag


# -------------------------------------------------------------------------- backward
@njit(cache=True)
def _bwd_row(i, n, x, y, trans, end, om, fx, fy, nxt, inv, cur):
    """Fill row i of the backward table from row i+1 (``nxt``) times ``inv`` (1 / max of
    ``nxt``); one fused pass from j = m down to 0 (the Y cells chain along the row).
    Returns (max of the new row, flushed flag)."""
    S, W = cur.shape
    K = (S - 1) // 2
    two = K == 2
    m = W - 1
    x1, y1 = 1, 1 + K
    x2, y2 = (2, 4) if two else (1, 2)
    t_mm, t_mx1, t_my1 = trans[0, 0], trans[0, x1], trans[0, y1]
    t_x1m, t_x1x1 = trans[x1, 0], trans[x1, x1]
    t_y1m, t_y1y1 = trans[y1, 0], trans[y1, y1]
    t_mx2 = trans[0, x2] if two else 0.0
    t_my2 = trans[0, y2] if two else 0.0
    t_x2m = trans[x2, 0] if two else 0.0
    t_x2x2 = trans[x2, x2] if two else 0.0
    t_y2m = trans[y2, 0] if two else 0.0
    t_y2y2 = trans[y2, y2] if two else 0.0
    fy1, fy2 = fy[0], fy[K - 1]
    has_next = i < n
    fx1 = fx[0, x[i]] * inv if has_next else 0.0
    fx2 = fx[K - 1, x[i]] * inv if has_next else 0.0
    omx = om[x[i]] if has_next else om[0]
    mx = 0.0
    flushed = False
    # carried b values of cell (i, j+1)
    ry1, ry2, nm = 0.0, 0.0, 0.0
    for j in range(m, -1, -1):
        if i == n and j == m:
            for s in range(S):
                cur[s, j] = end[s]
                mx = max(mx, end[s])
            ry1 = end[y1]
            ry2 = end[y2]
            continue
        em = 0.0
        ex1 = 0.0
        ex2 = 0.0
        ey1 = 0.0
        ey2 = 0.0
        if has_next:
            if j < m:
                em = omx[y[j]] * nm * inv
            ex1 = fx1 * nxt[x1, j]
            if two:
                ex2 = fx2 * nxt[x2, j]
        if j < m:
            ey1 = fy1[y[j]] * ry1
            if two:
                ey2 = fy2[y[j]] * ry2
        bm = t_mm * em + t_mx1 * ex1 + t_my1 * ey1
        bx1 = t_x1m * em + t_x1x1 * ex1
        by1 = t_y1m * em + t_y1y1 * ey1
        if two:
            bm += t_mx2 * ex2 + t_my2 * ey2
        if bm < _TINY:
            flushed = flushed or bm != 0.0
            bm = 0.0
        if bx1 < _TINY:
            flushed = flushed or bx1 != 0.0
            bx1 = 0.0
        if by1 < _TINY:
            flushed = flushed or by1 != 0.0
            by1 = 0.0
        cur[0, j] = bm
        cur[x1, j] = bx1
        cur[y1, j] = by1
        mx = max(mx, max(bm, max(bx1, by1)))
        ry1 = by1
        if two:
            bx2 = t_x2m * em + t_x2x2 * ex2
            by2 = t_y2m * em + t_y2y2 * ey2
            if bx2 < _TINY:
                flushed = flushed or bx2 != 0.0
                bx2 = 0.0
            if by2 < _TINY:
                flushed = flushed or by2 != 0.0
                by2 = 0.0
            cur[x2, j] = bx2
            cur[y2, j] = by2
            mx = max(mx, max(bx2, by2))
            ry2 = by2
        if has_next:
            nm = nxt[0, j]
    return mx, flushed


@njit(cache=True)
def backward_score(x, y, trans, end, om, fx, fy, lrx, lry):
    """Return (log P(x, y) from the backward pass, flag)."""
    n, m, S = x.shape[0], y.shape[0], trans.shape[0]
    rows = np.zeros((2, S, m + 1))
    logscale = 0.0
    flag = False
    mx = 1.0
    for i in range(n, -1, -1):
        if i < n:
            logscale += np.log(mx)
        mx, fl = _bwd_row(i, n, x, y, trans, end, om, fx, fy, rows[(i + 1) % 2], 1.0 / mx,
                          rows[i % 2])
        flag = flag or fl
        if mx == 0.0:
            return NEG_INF, flag
    b00 = rows[0][0, 0]
    flag = flag and b00 < _SMALL_TOTAL * mx
    if b00 == 0.0:
        return NEG_INF, flag
    return np.log(b00) + logscale + _norm_offset(x, y, lrx, lry), flag


@njit(cache=True)
def _row_counts(i, n, x, y, trans, om, fx, fy, fi, cur, nxt, g0, g1,
                c_trans, c_match, c_insx, c_insy):
    """Expected counts of row i: state posteriors at (i, j) and the transitions out of
    (i, j). Sums stay in scalars for the row (the count arrays could alias the tables)."""
    S, W = cur.shape
    K = (S - 1) // 2
    two = K == 2
    m = W - 1
    x1, y1 = 1, 1 + K
    x2, y2 = (2, 4) if two else (1, 2)
    t_mm, t_mx1, t_my1 = trans[0, 0], trans[0, x1], trans[0, y1]
    t_x1m, t_x1x1 = trans[x1, 0], trans[x1, x1]
    t_y1m, t_y1y1 = trans[y1, 0], trans[y1, y1]
    t_mx2 = trans[0, x2] if two else 0.0
    t_my2 = trans[0, y2] if two else 0.0
    t_x2m = trans[x2, 0] if two else 0.0
    t_x2x2 = trans[x2, x2] if two else 0.0
    t_y2m = trans[y2, 0] if two else 0.0
    t_y2y2 = trans[y2, y2] if two else 0.0
    has_next = i < n
    xi = x[i] if has_next else 0
    omx = om[xi]
    fx1 = fx[0, xi] * g1 if has_next else 0.0
    fx2 = fx[K - 1, xi] * g1 if has_next else 0.0
    fy1, fy2 = fy[0], fy[K - 1]
    s_mm = s_x1m = s_y1m = s_x2m = s_y2m = 0.0
    s_mx1 = s_x1x1 = s_mx2 = s_x2x2 = 0.0
    s_my1 = s_y1y1 = s_my2 = s_y2y2 = 0.0
    p_x1 = p_x2 = 0.0
    cm = c_match[x[i - 1]] if i > 0 else c_match[0]
    for j in range(m + 1):
        fm, fx1v, fy1v = fi[0, j], fi[x1, j], fi[y1, j]
        fx2v = fi[x2, j] if two else 0.0
        fy2v = fi[y2, j] if two else 0.0
        if i > 0 or j > 0:
            pm = fm * cur[0, j] * g0
            px1 = fx1v * cur[x1, j] * g0
            py1 = fy1v * cur[y1, j] * g0
            if i > 0:
                p_x1 += px1
                if j > 0:
                    cm[y[j - 1]] += pm
            if j > 0:
                c_insy[0, y[j - 1]] += py1
            if two:
                px2 = fx2v * cur[x2, j] * g0
                py2 = fy2v * cur[y2, j] * g0
                if i > 0:
                    p_x2 += px2
                if j > 0:
                    c_insy[1, y[j - 1]] += py2
        if has_next and j < m:
            em = omx[y[j]] * nxt[0, j + 1] * g1
            s_mm += fm * em
            s_x1m += fx1v * em
            s_y1m += fy1v * em
            if two:
                s_x2m += fx2v * em
                s_y2m += fy2v * em
        if has_next:
            e1 = fx1 * nxt[x1, j]
            s_mx1 += fm * e1
            s_x1x1 += fx1v * e1
            if two:
                e2 = fx2 * nxt[x2, j]
                s_mx2 += fm * e2
                s_x2x2 += fx2v * e2
        if j < m:
            yj = y[j]
            e1 = fy1[yj] * cur[y1, j + 1] * g0
            s_my1 += fm * e1
            s_y1y1 += fy1v * e1
            if two:
                e2 = fy2[yj] * cur[y2, j + 1] * g0
                s_my2 += fm * e2
                s_y2y2 += fy2v * e2
    c_trans[0, 0] += s_mm * t_mm
    c_trans[x1, 0] += s_x1m * t_x1m
    c_trans[y1, 0] += s_y1m * t_y1m
    c_trans[0, x1] += s_mx1 * t_mx1
    c_trans[x1, x1] += s_x1x1 * t_x1x1
    c_trans[0, y1] += s_my1 * t_my1
    c_trans[y1, y1] += s_y1y1 * t_y1y1
    if i > 0:
        c_insx[0, x[i - 1]] += p_x1
    if two:
        c_trans[x2, 0] += s_x2m * t_x2m
        c_trans[y2, 0] += s_y2m * t_y2m
        c_trans[0, x2] += s_mx2 * t_mx2
        c_trans[x2, x2] += s_x2x2 * t_x2x2
        c_trans[0, y2] += s_my2 * t_my2
        c_trans[y2, y2] += s_y2y2 * t_y2y2
        if i > 0:
            c_insx[1, x[i - 1]] += p_x2


@njit(cache=True)
def _backward_accumulate(x, y, trans, end, om, fx, fy, f, cumf, logp_odds,
                         want_post, post_m, post_x, post_y,
                         c_trans, c_end, c_match, c_insx, c_insy, want_counts):
    """Backward pass over rows n..0 using the forward table; accumulate posteriors and/or
    expected counts. Returns the underflow flag."""
    n, m, S = x.shape[0], y.shape[0], trans.shape[0]
    K = (S - 1) // 2
    rows = np.zeros((2, S, m + 1))
    cumb = 0.0
    cumb_next = 0.0
    mx = 1.0
    flag = False
    for i in range(n, -1, -1):
        nxt, cur = rows[(i + 1) % 2], rows[i % 2]
        if i < n:
            cumb = cumb_next + np.log(mx)
        mx, fl = _bwd_row(i, n, x, y, trans, end, om, fx, fy, nxt, 1.0 / mx, cur)
        flag = flag or fl
        if mx == 0.0:
            return True
        if i == 0 and flag and cur[0, 0] < _SMALL_TOTAL * mx:
            return True
        g0 = np.exp(cumf[i] + cumb - logp_odds)
        g1 = np.exp(cumf[i] + cumb_next - logp_odds)
        fi = f[i]
        if want_post:
            if i > 0:
                row = post_m[i - 1]
                sx = 0.0
                for j in range(1, m + 1):
                    row[j - 1] = fi[0, j] * cur[0, j] * g0
                for k in range(K):
                    fk, ck = fi[1 + k], cur[1 + k]
                    for j in range(m + 1):
                        sx += fk[j] * ck[j]
                post_x[i - 1] += sx * g0
            for k in range(K):
                fk, ck = fi[1 + K + k], cur[1 + K + k]
                for j in range(1, m + 1):
                    post_y[j - 1] += fk[j] * ck[j] * g0
        if want_counts:
            _row_counts(i, n, x, y, trans, om, fx, fy, fi, cur, nxt, g0, g1,
                        c_trans, c_match, c_insx, c_insy)
        if i == n and want_counts:
            ge = np.exp(cumf[n] - logp_odds)
            for s in range(S):
                c_end[s] += f[n, s, m] * end[s] * ge
        if not (np.isfinite(g0) and np.isfinite(g1)):
            return True
        cumb_next = cumb
    return False


@njit(cache=True)
def expected_counts(x, y, trans, end, om, fx, fy, lrx, lry,
                    c_trans, c_end, c_match, c_insx, c_insy):
    """Add the expected counts of one pair to the buffers; return (log P, flag)."""
    n, m, S = x.shape[0], y.shape[0], trans.shape[0]
    f = np.empty((n + 1, S, m + 1))
    cumf = np.empty(n + 1)
    lpo, flag = forward_full(x, y, trans, end, om, fx, fy, f, cumf)
    if lpo == NEG_INF:
        return NEG_INF, flag
    d = np.zeros(0)
    d2 = np.zeros((0, 0))
    fl = _backward_accumulate(x, y, trans, end, om, fx, fy, f, cumf, lpo, False,
                              d2, d, d, c_trans, c_end, c_match, c_insx, c_insy, True)
    return lpo + _norm_offset(x, y, lrx, lry), flag or fl


# ------------------------------------------------------ striped backward, posteriors
# Backward rows use the same striped layout plus a tail halo (tail slot s = the first
# column of segment s+1), so that column j+1 of any column j sits at index q+8. The
# backward Y chain runs right to left as 8 reverse local chains, fixed up with running
# products of the Y->Y factors like the forward chain. Posteriors are computed while the
# backward pass goes (f * b * exp(cumulated scales - log P)); MEA reads the striped match
# posteriors directly.


@njit(cache=True)
def _bwd_profile(y, trans, om, fy, L):
    """Backward tables, shifted by one column: at the index of column j (0..m-1; j=0 at
    slot 0) they hold values for y_{j+1}: pb (A, W8+8) match odds profile (with its tail
    halo so that index q+8 is column j+1), bb (K, W8) = t(Y->Y) fy(y_{j+1}), bm_y (K, W8)
    = t(M->Y) fy(y_{j+1}), pcb (K, W8) = running product of bb from q to its segment's end.
    """
    m = y.shape[0]
    S = trans.shape[0]
    K = (S - 1) // 2
    A = om.shape[0]
    W8 = (L + 1) * 8
    pb = np.zeros((A, W8 + 8))
    bb = np.zeros((K, W8))
    bmy = np.zeros((K, W8))
    pcb = np.zeros((K, W8))
    for j in range(1, m + 1):
        idx = _col_index(j, L)
        b = y[j - 1]
        for a in range(A):
            pb[a, idx] = om[a, b]
        q = _col_index(j - 1, L)
        for k in range(K):
            yk = 1 + K + k
            bb[k, q] = fy[k, b] * trans[yk, yk]
            bmy[k, q] = fy[k, b] * trans[0, yk]
    for s in range(7):
        for a in range(A):
            pb[a, W8 + s] = pb[a, 8 + s + 1]
    for k in range(K):
        for s in range(8):
            p = 1.0
            for t in range(L - 1, -1, -1):
                idx = 8 + t * 8 + s
                p *= bb[k, idx]
                pcb[k, idx] = p
    return pb, bb, bmy, pcb


@njit(cache=True, fastmath=_FM)
def _b_mx1(Bn, Bc, E, pb, xi, L, inv, f1, t_mm, t_mx1, t_x1m, t_x1x1):
    """Backward M (partial: M and X successors) and X cells over head + body of row Bc
    from Bn = row i+1 (one insert pair); E receives the match-successor terms. One
    array written per loop keeps them vectorisable."""
    W = 8 * L + 8
    for q in range(W):
        E[q] = pb[xi, q + 8] * Bn[0, q + 8] * inv
    a1, b1 = t_mx1 * f1, t_x1x1 * f1
    for q in range(W):
        Bc[0, q] = t_mm * E[q] + a1 * Bn[1, q]
    for q in range(W):
        Bc[1, q] = t_x1m * E[q] + b1 * Bn[1, q]


@njit(cache=True, fastmath=_FM)
def _b_mx2(Bn, Bc, E, pb, xi, L, inv, f1, f2, t_mm, t_mx1, t_mx2, t_x1m, t_x1x1,
           t_x2m, t_x2x2):
    """As _b_mx1 with two insert pairs (states 1, 2 = X1, X2)."""
    W = 8 * L + 8
    for q in range(W):
        E[q] = pb[xi, q + 8] * Bn[0, q + 8] * inv
    a1, b1 = t_mx1 * f1, t_x1x1 * f1
    a2, b2 = t_mx2 * f2, t_x2x2 * f2
    for q in range(W):
        Bc[0, q] = t_mm * E[q] + a1 * Bn[1, q] + a2 * Bn[2, q]
    for q in range(W):
        Bc[1, q] = t_x1m * E[q] + b1 * Bn[1, q]
    for q in range(W):
        Bc[2, q] = t_x2m * E[q] + b2 * Bn[2, q]


@njit(cache=True, fastmath={"contract"})
def _b_yl2(B, c, E, bb, t_y1m, t_y2m, L):
    """_b_yl for both chains of two insert pairs (states 3, 4) in one loop: 16
    independent scalar chains."""
    u0 = u1 = u2 = u3 = u4 = u5 = u6 = u7 = 0.0
    w0 = w1 = w2 = w3 = w4 = w5 = w6 = w7 = 0.0
    for t in range(L - 1, -1, -1):
        o = 8 + t * 8
        e = E[o]
        u0 = t_y1m * e + bb[0, o] * u0
        w0 = t_y2m * e + bb[1, o] * w0
        B[c, 3, o] = u0
        B[c, 4, o] = w0
        e = E[o + 1]
        u1 = t_y1m * e + bb[0, o + 1] * u1
        w1 = t_y2m * e + bb[1, o + 1] * w1
        B[c, 3, o + 1] = u1
        B[c, 4, o + 1] = w1
        e = E[o + 2]
        u2 = t_y1m * e + bb[0, o + 2] * u2
        w2 = t_y2m * e + bb[1, o + 2] * w2
        B[c, 3, o + 2] = u2
        B[c, 4, o + 2] = w2
        e = E[o + 3]
        u3 = t_y1m * e + bb[0, o + 3] * u3
        w3 = t_y2m * e + bb[1, o + 3] * w3
        B[c, 3, o + 3] = u3
        B[c, 4, o + 3] = w3
        e = E[o + 4]
        u4 = t_y1m * e + bb[0, o + 4] * u4
        w4 = t_y2m * e + bb[1, o + 4] * w4
        B[c, 3, o + 4] = u4
        B[c, 4, o + 4] = w4
        e = E[o + 5]
        u5 = t_y1m * e + bb[0, o + 5] * u5
        w5 = t_y2m * e + bb[1, o + 5] * w5
        B[c, 3, o + 5] = u5
        B[c, 4, o + 5] = w5
        e = E[o + 6]
        u6 = t_y1m * e + bb[0, o + 6] * u6
        w6 = t_y2m * e + bb[1, o + 6] * w6
        B[c, 3, o + 6] = u6
        B[c, 4, o + 6] = w6
        e = E[o + 7]
        u7 = t_y1m * e + bb[0, o + 7] * u7
        w7 = t_y2m * e + bb[1, o + 7] * w7
        B[c, 3, o + 7] = u7
        B[c, 4, o + 7] = w7


@njit(cache=True, fastmath={"contract"})
def _b_yl(B, c, sy, E, bb, k, t_ym, L):
    """Reverse local Y chains: Y[q] = t_ym*E[q] + bb[q]*Y[q+8] over the body, from zero
    after each segment's end (8 independent chains, one per segment)."""
    v0 = v1 = v2 = v3 = v4 = v5 = v6 = v7 = 0.0
    for t in range(L - 1, -1, -1):
        o = 8 + t * 8
        v0 = t_ym * E[o] + bb[k, o] * v0
        v1 = t_ym * E[o + 1] + bb[k, o + 1] * v1
        v2 = t_ym * E[o + 2] + bb[k, o + 2] * v2
        v3 = t_ym * E[o + 3] + bb[k, o + 3] * v3
        v4 = t_ym * E[o + 4] + bb[k, o + 4] * v4
        v5 = t_ym * E[o + 5] + bb[k, o + 5] * v5
        v6 = t_ym * E[o + 6] + bb[k, o + 6] * v6
        v7 = t_ym * E[o + 7] + bb[k, o + 7] * v7
        B[c, sy, o] = v0
        B[c, sy, o + 1] = v1
        B[c, sy, o + 2] = v2
        B[c, sy, o + 3] = v3
        B[c, sy, o + 4] = v4
        B[c, sy, o + 5] = v5
        B[c, sy, o + 6] = v6
        B[c, sy, o + 7] = v7


@njit(cache=True, fastmath=_FM)
def _b_yfix(B, c, sy, pcb, k, c8, L):
    """Y += running product * carry of its segment over the body (no flush here)."""
    if c8.shape[0] < 72:
        raise ValueError("carry buffer must hold 72 values")
    for i in range(64):
        c8[8 + i] = c8[i & 7]
    n = 8 * L
    nb = n // 64
    for b in range(nb):
        base = 8 + b * 64
        for i in range(64):
            B[c, sy, base + i] += pcb[k, base + i] * c8[8 + i]
    for q in range(nb * 64, n):
        B[c, sy, q + 8] += pcb[k, q + 8] * c8[q & 7]


@njit(cache=True, fastmath=_FM)
def _b_bm_add(B, c, sy, bmy, k, L):
    """M += t(M->Y) fy(y_{j+1}) * Y(i, j+1) over head + body."""
    for q in range(8 * L + 8):
        B[c, 0, q] += bmy[k, q] * B[c, sy, q + 8]


@njit(cache=True, fastmath=_FM)
def _flush_flat(row, mx, fl):
    """Flush entries below 1e-280 to zero over a contiguous block; running sum."""
    for q in range(row.shape[0]):
        v = row[q]
        f = v if v < _TINY else 0.0
        v = v if v >= _TINY else 0.0
        fl += f
        mx += v
        row[q] = v
    return mx, fl


@njit(cache=True)
def _bwd_row_s(i, n, x, y, L, trans, end, fx, fy, pb, bb, bmy, pcb, B, p, c, inv, E, c8):
    """Striped backward row i into B[c] from B[p] (row i+1) scaled by inv. Rows have
    width W8 + 8: head halo, body, tail halo (tail slot s = the first column of segment
    s+1, so column j+1 of column j is always at index q+8). Returns (row sum, flushed)."""
    S = B.shape[1]
    W8 = 8 * L + 8
    K = (S - 1) // 2
    two = K == 2
    m = y.shape[0]
    x1, y1 = 1, 1 + K
    x2, y2 = (2, 4) if two else (1, 2)
    mx = 0.0
    fl = 0.0
    for s in range(S):
        for q in range(W8, W8 + 8):
            B[c, s, q] = 0.0
    if i == n:
        for s in range(S):
            for q in range(W8 + 8):
                B[c, s, q] = 0.0
        jm = _col_index(m, L)
        for s in range(S):
            B[c, s, jm] = end[s]
        vy1 = end[y1]
        vy2 = end[y2]
        for j in range(m - 1, -1, -1):
            q = _col_index(j, L)
            b = y[j]
            ey1 = fy[0, b] * vy1
            vy1 = trans[y1, y1] * ey1
            bmv = trans[0, y1] * ey1
            if two:
                ey2 = fy[K - 1, b] * vy2
                vy2 = trans[y2, y2] * ey2
                bmv += trans[0, y2] * ey2
                B[c, y2, q] = vy2
            B[c, y1, q] = vy1
            B[c, 0, q] = bmv
    else:
        xi = x[i]
        f1 = fx[0, xi] * inv
        if two:
            f2 = fx[K - 1, xi] * inv
            _b_mx2(B[p], B[c], E, pb, xi, L, inv, f1, f2, trans[0, 0], trans[0, x1],
                   trans[0, x2], trans[x1, 0], trans[x1, x1], trans[x2, 0], trans[x2, x2])
        else:
            _b_mx1(B[p], B[c], E, pb, xi, L, inv, f1, trans[0, 0], trans[0, x1],
                   trans[x1, 0], trans[x1, x1])
        if two:
            _b_yl2(B, c, E, bb, trans[3, 0], trans[4, 0], L)
        for k in range(K):
            sy = 1 + K + k
            t_ym = trans[sy, 0]
            if not two:
                _b_yl(B, c, sy, E, bb, k, t_ym, L)
            c8[7] = 0.0
            for s in range(6, -1, -1):
                c8[s] = B[c, sy, 8 + s + 1] + pcb[k, 8 + s + 1] * c8[s + 1]
            _b_yfix(B, c, sy, pcb, k, c8, L)
            # column 0, head halo (unused by the backward pass), tail halo
            B[c, sy, 0] = t_ym * E[0] + bb[k, 0] * B[c, sy, 8]
            for s in range(1, 8):
                B[c, sy, s] = B[c, sy, 8 + (L - 1) * 8 + s - 1]
            for s in range(7):
                B[c, sy, W8 + s] = B[c, sy, 8 + s + 1]
            B[c, sy, W8 + 7] = 0.0
            _b_bm_add(B, c, sy, bmy, k, L)
    # flush and sum over the whole row block (tail halos are counted too: the scale
    # only has to be positive and consistent)
    mx, fl = _flush_flat(B[c].reshape(S * (W8 + 8)), mx, fl)
    # tail halos with the flushed values (M is read at q+8 by the row above)
    for s_ in range(S):
        for s in range(7):
            B[c, s_, W8 + s] = B[c, s_, 8 + s + 1]
        B[c, s_, W8 + 7] = 0.0
    return mx, fl > 0.0


@njit(cache=True)
def forward_full_s(x, y, trans, end, om, fx, fy, prof, ay, by, pc, L, f, cumf):
    n, m = x.shape[0], y.shape[0]
    S = trans.shape[0]
    c8 = np.empty(72)
    acc = 0.0
    flag = False
    mx = 1.0
    for i in range(n + 1):
        if i > 0:
            acc += np.log(mx)
        cumf[i] = acc
        mx, fl = _fwd_row_s(i, x, L, trans, fx, prof, ay, by, pc, f, max(i - 1, 0), i,
                            1.0 / mx, c8)
        flag = flag or fl
        if mx == 0.0:
            return NEG_INF, flag
    jm = _col_index(m, L)
    tot = 0.0
    for s in range(S):
        tot += end[s] * f[n, s, jm]
    flag = flag and tot < _SMALL_TOTAL * mx
    if tot == 0.0:
        return NEG_INF, flag
    return np.log(tot) + cumf[n], flag


@njit(cache=True, fastmath=_FM)
def _post_row(pmr, fm, bm, g0):
    W8 = pmr.shape[0]
    for q in range(8, W8):
        pmr[q] = fm[q] * bm[q] * g0


@njit(cache=True, fastmath=_FM)
def _dot_row(a, b, lo, hi):
    s = 0.0
    for q in range(lo, hi):
        s += a[q] * b[q]
    return s


@njit(cache=True, fastmath=_FM)
def _acc_row(out, a, b, g0):
    W8 = out.shape[0]
    for q in range(8, W8):
        out[q] += a[q] * b[q] * g0


@njit(cache=True)
def posterior_striped(x, y, trans, end, om, fx, fy, lrx, lry):
    """Forward, backward and posteriors in the striped layout.

    Returns (log P, flag, L, pms (n, W8) match posteriors striped, px (n,), pys (W8,))."""
    n, m, S = x.shape[0], y.shape[0], trans.shape[0]
    K = (S - 1) // 2
    L = _stripe_len(m)
    W8 = (L + 1) * 8
    prof, ay, by, pc = _y_profile(y, trans, om, fy)
    f = np.empty((n + 1, S, W8))
    cumf = np.empty(n + 1)
    pms = np.zeros((n, W8))
    px = np.zeros(n)
    pys = np.zeros(W8)
    lpo, flag = forward_full_s(x, y, trans, end, om, fx, fy, prof, ay, by, pc, L, f, cumf)
    if lpo == NEG_INF:
        return NEG_INF, flag, L, pms, px, pys
    pb, bb, bmy, pcb = _bwd_profile(y, trans, om, fy, L)
    BR = np.zeros((2, S, W8 + 8))
    E = np.zeros(W8)
    c8 = np.empty(72)
    cumb = 0.0
    cumb_next = 0.0
    mx = 1.0
    fl_any = False
    for i in range(n, -1, -1):
        cur = BR[i % 2]
        if i < n:
            cumb = cumb_next + np.log(mx)
        mx, fl = _bwd_row_s(i, n, x, y, L, trans, end, fx, fy, pb, bb, bmy, pcb, BR,
                            (i + 1) % 2, i % 2, 1.0 / mx, E, c8)
        fl_any = fl_any or fl
        if mx == 0.0:
            return lpo, True, L, pms, px, pys
        if i == 0 and fl_any and cur[0, 0] < _SMALL_TOTAL * mx:
            return lpo, True, L, pms, px, pys
        g0 = np.exp(cumf[i] + cumb - lpo)
        if not np.isfinite(g0):
            return lpo, True, L, pms, px, pys
        fi = f[i]
        if i > 0:
            _post_row(pms[i - 1], fi[0], cur[0], g0)
            sx = 0.0
            for k in range(K):
                sx += fi[1 + k, 0] * cur[1 + k, 0] + _dot_row(fi[1 + k], cur[1 + k], 8, W8)
            px[i - 1] = sx * g0
        for k in range(K):
            _acc_row(pys, fi[1 + K + k], cur[1 + K + k], g0)
        cumb_next = cumb
    return lpo + _norm_offset(x, y, lrx, lry), flag, L, pms, px, pys


@njit(cache=True)
def unstripe(row, m, L):
    out = np.empty(m)
    for j in range(1, m + 1):
        out[j - 1] = row[_col_index(j, L)]
    return out


@njit(cache=True)
def posterior(x, y, trans, end, om, fx, fy, lrx, lry):
    n, m = x.shape[0], y.shape[0]
    lp, flag, L, pms, px, pys = posterior_striped(x, y, trans, end, om, fx, fy, lrx, lry)
    pm = np.zeros((n, m))
    for i in range(n):
        for j in range(1, m + 1):
            pm[i, j - 1] = pms[i, _col_index(j, L)]
    return lp, flag, pm, px, unstripe(pys, m, L)


@njit(cache=True, fastmath=_FM)
def _post_inplace(fm, bm, g0):
    W8 = fm.shape[0]
    for q in range(8, W8):
        fm[q] = fm[q] * bm[q] * g0


@njit(cache=True)
def posterior_match(x, y, trans, end, om, fx, fy, lrx, lry):
    """Match posteriors only (what MEA needs), striped, stored in place of the forward M
    table: returns (log P, flag, L, P (n+1, W8)) with row i (1..n) the posteriors of x_i.
    Bit-identical to the match posteriors of :func:`posterior_striped`."""
    n, m, S = x.shape[0], y.shape[0], trans.shape[0]
    L = _stripe_len(m)
    W8 = (L + 1) * 8
    prof, ay, by, pc = _y_profile(y, trans, om, fy)
    F = np.empty((n + 1, W8))
    cumf = np.empty(n + 1)
    rows = np.zeros((2, S, W8))
    c8 = np.empty(72)
    acc = 0.0
    flag = False
    mx = 1.0
    for i in range(n + 1):
        if i > 0:
            acc += np.log(mx)
        cumf[i] = acc
        c = i % 2
        mx, fl = _fwd_row_s(i, x, L, trans, fx, prof, ay, by, pc, rows, 1 - c, c, 1.0 / mx, c8)
        for q in range(W8):
            F[i, q] = rows[c, 0, q]
        flag = flag or fl
        if mx == 0.0:
            return NEG_INF, flag, L, F
    jm = _col_index(m, L)
    last = rows[n % 2]
    tot = 0.0
    for s in range(S):
        tot += end[s] * last[s, jm]
    flag = flag and tot < _SMALL_TOTAL * mx
    if tot == 0.0:
        return NEG_INF, flag, L, F
    lpo = np.log(tot) + cumf[n]
    pb, bb, bmy, pcb = _bwd_profile(y, trans, om, fy, L)
    BR = np.zeros((2, S, W8 + 8))
    E = np.zeros(W8)
    cumb = 0.0
    cumb_next = 0.0
    mx = 1.0
    fl_any = False
    for i in range(n, -1, -1):
        cur = BR[i % 2]
        if i < n:
            cumb = cumb_next + np.log(mx)
        mx, fl = _bwd_row_s(i, n, x, y, L, trans, end, fx, fy, pb, bb, bmy, pcb, BR,
                            (i + 1) % 2, i % 2, 1.0 / mx, E, c8)
        fl_any = fl_any or fl
        if mx == 0.0:
            return lpo, True, L, F
        if i == 0 and fl_any and cur[0, 0] < _SMALL_TOTAL * mx:
            return lpo, True, L, F
        g0 = np.exp(cumf[i] + cumb - lpo)
        if not np.isfinite(g0):
            return lpo, True, L, F
        if i > 0:
            _post_inplace(F[i], cur[0], g0)
        cumb_next = cumb
    return lpo + _norm_offset(x, y, lrx, lry), flag, L, F


@njit(cache=True)
def _mea_u(cur, prev, p):
    """cur[q] = max(prev[q-8] + p[q], prev[q]) over the body (exact)."""
    W8 = cur.shape[0]
    n = W8 - 8
    o = cur[8:]
    pp = p[8:]
    a = prev[:n]
    b = prev[8:]
    for q in range(n):
        u = a[q] + pp[q]
        v = b[q]
        o[q] = u if u >= v else v


@njit(cache=True)
def _prefix_max_local(cur, L):
    v0 = v1 = v2 = v3 = v4 = v5 = v6 = v7 = 0.0
    for t in range(L):
        o = 8 + t * 8
        u = cur[o]
        v0 = u if u > v0 else v0
        u = cur[o + 1]
        v1 = u if u > v1 else v1
        u = cur[o + 2]
        v2 = u if u > v2 else v2
        u = cur[o + 3]
        v3 = u if u > v3 else v3
        u = cur[o + 4]
        v4 = u if u > v4 else v4
        u = cur[o + 5]
        v5 = u if u > v5 else v5
        u = cur[o + 6]
        v6 = u if u > v6 else v6
        u = cur[o + 7]
        v7 = u if u > v7 else v7
        cur[o] = v0
        cur[o + 1] = v1
        cur[o + 2] = v2
        cur[o + 3] = v3
        cur[o + 4] = v4
        cur[o + 5] = v5
        cur[o + 6] = v6
        cur[o + 7] = v7


@njit(cache=True)
def _mea_fix_codes(cur, prev, p, c8, code):
    """Raise each segment to its carry-in, then the traceback code of every cell with
    the reference's rule: 0 (match) if a == a[i-1, j-1] + p, else 1 (x-gap) if
    a == a[i-1, j], else 2. c8[0:8] holds the carries, c8[8:72] is scratch."""
    W8 = cur.shape[0]
    n = W8 - 8
    for i in range(64):
        c8[8 + i] = c8[i & 7]
    nb = n // 64
    for b in range(nb):
        base = 8 + b * 64
        for i in range(64):
            u = cur[base + i]
            c = c8[8 + i]
            cur[base + i] = u if u >= c else c
    for q in range(nb * 64, n):
        u = cur[q + 8]
        c = c8[q & 7]
        cur[q + 8] = u if u >= c else c
    o = cur[8:]
    pp = p[8:]
    a = prev[:n]
    b_ = prev[8:]
    cd = code[8:]
    for q in range(n):
        v = o[q]
        cd[q] = 0 if v == a[q] + pp[q] else (1 if v == b_[q] else 2)


@njit(cache=True)
def mea_striped(P, m, L):
    """MEA on striped match posteriors (rows 1..n of P); the same values, decisions and
    tie rule as :func:`mea`. Returns (score, ops int8)."""
    n = P.shape[0] - 1
    W8 = (L + 1) * 8
    rows = np.zeros((2, W8))
    codes = np.empty((n + 1, W8), dtype=np.int8)
    c8 = np.zeros(72)
    last = 8 + (L - 1) * 8 - 1
    for i in range(1, n + 1):
        prev, cur = rows[(i + 1) % 2], rows[i % 2]
        _mea_u(cur, prev, P[i])
        for s in range(8):
            cur[s] = 0.0
        _prefix_max_local(cur, L)
        c8[0] = 0.0
        for s in range(1, 8):
            u = cur[last + s]
            c8[s] = u if u > c8[s - 1] else c8[s - 1]
        _mea_fix_codes(cur, prev, P[i], c8, codes[i])
        cur[0] = 0.0
        for s in range(1, 8):
            cur[s] = c8[s]
    score = rows[n % 2][_col_index(m, L)] if m > 0 else 0.0
    ops = np.empty(n + m, dtype=np.int8)
    k = 0
    i, j = n, m
    while i > 0 or j > 0:
        if i == 0:
            ops[k] = 2
            j -= 1
        elif j == 0:
            ops[k] = 1
            i -= 1
        else:
            c = codes[i, _col_index(j, L)]
            ops[k] = c
            if c == 0:
                i -= 1
                j -= 1
            elif c == 1:
                i -= 1
            else:
                j -= 1
        k += 1
    return score, ops[:k][::-1].copy()


# --------------------------------------------------------------------- Viterbi, MEA
@njit(cache=True)
def viterbi(x, y, log_trans, log_end, log_match, log_ins_x, log_ins_y):
    """Log-space Viterbi specialised to the Durbin structure (M from every state, X_k from
    M and X_k, Y_k from M and Y_k); the same additions in the same order as the
    reference, so scores and tie-breaks (lowest predecessor index) are identical."""
    n, m, S = x.shape[0], y.shape[0], log_trans.shape[0]
    K = (S - 1) // 2
    W = m + 1
    v = np.empty((n + 1, S, W))
    ptr = np.zeros((n + 1, S, W), dtype=np.int8)
    ltm = np.empty(S)
    for t in range(S):
        ltm[t] = log_trans[t, 0]
    for i in range(n + 1):
        for s in range(S):
            v[i, s, 0] = NEG_INF
    for s in range(S):
        for j in range(W):
            v[0, s, j] = NEG_INF
    v[0, 0, 0] = 0.0
    # X_k at column 0 and Y_k in row 0 (chains from the begin state)
    for k in range(K):
        sx, sy = 1 + k, 1 + K + k
        a_m, a_s = log_trans[0, sx], log_trans[sx, sx]
        for i in range(1, n + 1):
            c0 = v[i - 1, 0, 0] + a_m
            c1 = v[i - 1, sx, 0] + a_s
            if c1 > c0:
                v[i, sx, 0] = c1 + log_ins_x[k, x[i - 1]]
                ptr[i, sx, 0] = sx
            else:
                v[i, sx, 0] = c0 + log_ins_x[k, x[i - 1]]
        a_m, a_s = log_trans[0, sy], log_trans[sy, sy]
        for j in range(1, m + 1):
            c0 = v[0, 0, j - 1] + a_m
            c1 = v[0, sy, j - 1] + a_s
            if c1 > c0:
                v[0, sy, j] = c1 + log_ins_y[k, y[j - 1]]
                ptr[0, sy, j] = sy
            else:
                v[0, sy, j] = c0 + log_ins_y[k, y[j - 1]]
    for i in range(1, n + 1):
        xi = x[i - 1]
        lmx = log_match[xi]
        pv = v[i - 1]
        cv = v[i]
        pp = ptr[i]
        # M
        for j in range(1, m + 1):
            best = pv[0, j - 1] + ltm[0]
            arg = 0
            for t in range(1, S):
                c = pv[t, j - 1] + ltm[t]
                if c > best:
                    best = c
                    arg = t
            cv[0, j] = best + lmx[y[j - 1]]
            pp[0, j] = arg
        # X_k (from the previous row, same column)
        for k in range(K):
            sx = 1 + k
            a_m, a_s = log_trans[0, sx], log_trans[sx, sx]
            e = log_ins_x[k, xi]
            for j in range(1, m + 1):
                c0 = pv[0, j] + a_m
                c1 = pv[sx, j] + a_s
                if c1 > c0:
                    cv[sx, j] = c1 + e
                    pp[sx, j] = sx
                else:
                    cv[sx, j] = c0 + e
                    pp[sx, j] = 0
        # Y_k (chain along the row)
        for k in range(K):
            sy = 1 + K + k
            a_m, a_s = log_trans[0, sy], log_trans[sy, sy]
            ly = log_ins_y[k]
            prev = cv[sy, 0]
            for j in range(1, m + 1):
                c0 = cv[0, j - 1] + a_m
                c1 = prev + a_s
                if c1 > c0:
                    prev = c1 + ly[y[j - 1]]
                    pp[sy, j] = sy
                else:
                    prev = c0 + ly[y[j - 1]]
                    pp[sy, j] = 0
                cv[sy, j] = prev
    best = NEG_INF
    s = 0
    for t in range(S):
        c = v[n, t, m] + log_end[t]
        if c > best:
            best = c
            s = t
    if best == NEG_INF:     # no path: nothing to trace back
        return best, np.empty(0, dtype=np.int64)
    states = np.empty(n + m, dtype=np.int64)
    L = 0
    i, j = n, m
    while i > 0 or j > 0:
        states[L] = s
        L += 1
        ps = ptr[i, s, j]
        if s == 0:
            i -= 1
            j -= 1
        elif s <= K:
            i -= 1
        else:
            j -= 1
        s = ps
    return best, states[:L][::-1].copy()


@njit(cache=True)
def mea(post_m):
    """Maximum expected accuracy alignment; same recursion and tie rule as the reference.

    Returns (score, ops) with ops an int8 array of 0 = M, 1 = I (x vs gap), 2 = D.
    """
    n, m = post_m.shape
    a = np.zeros((n + 1, m + 1))
    for i in range(n + 1):
        for j in range(m + 1):
            if i == 0 and j == 0:
                continue
            best = -1.0
            if i > 0 and j > 0:
                best = a[i - 1, j - 1] + post_m[i - 1, j - 1]
            if i > 0 and a[i - 1, j] > best:
                best = a[i - 1, j]
            if j > 0 and a[i, j - 1] > best:
                best = a[i, j - 1]
            a[i, j] = best
    ops = np.empty(n + m, dtype=np.int8)
    L = 0
    i, j = n, m
    while i > 0 or j > 0:
        if i > 0 and j > 0 and a[i, j] == a[i - 1, j - 1] + post_m[i - 1, j - 1]:
            ops[L] = 0
            i -= 1
            j -= 1
        elif i > 0 and a[i, j] == a[i - 1, j]:
            ops[L] = 1
            i -= 1
        else:
            ops[L] = 2
            j -= 1
        L += 1
    return a[n, m], ops[:L][::-1].copy()


# ------------------------------------------------------------------------- batches
@njit(cache=True, parallel=True)
def batch_score(xcat, xoff, ycat, yoff, chunk_pairs, chunk_off,
                trans, end, om, fx, fy, lrx, lry):
    """log P for every pair; returns (log_probs (P,), flags (P,) bool)."""
    P = xoff.shape[0] - 1
    out = np.empty(P)
    flags = np.zeros(P, dtype=np.bool_)
    for c in prange(chunk_off.shape[0] - 1):
        for t in range(chunk_off[c], chunk_off[c + 1]):
            p = chunk_pairs[t]
            lp, fl = forward_score(xcat[xoff[p]:xoff[p + 1]], ycat[yoff[p]:yoff[p + 1]],
                                   trans, end, om, fx, fy, lrx, lry)
            out[p] = lp
            flags[p] = fl
    return out, flags


@njit(cache=True, parallel=True)
def batch_counts(xcat, xoff, ycat, yoff, chunk_pairs, chunk_off,
                 trans, end, om, fx, fy, lrx, lry):
    """Expected counts summed over all pairs (one buffer per chunk, then one reduction).

    Returns (log_probs (P,), flags (P,), c_trans (S, S), c_end (S,), c_match (A, A),
    c_insx (K, A), c_insy (K, A)). Flagged pairs' counts are *not* included.
    """
    P = xoff.shape[0] - 1
    S = trans.shape[0]
    K = (S - 1) // 2
    A = om.shape[0]
    C = chunk_off.shape[0] - 1
    b_trans = np.zeros((C, S, S))
    b_end = np.zeros((C, S))
    b_match = np.zeros((C, A, A))
    b_insx = np.zeros((C, K, A))
    b_insy = np.zeros((C, K, A))
    out = np.empty(P)
    flags = np.zeros(P, dtype=np.bool_)
    for c in prange(C):
        t_trans = np.zeros((S, S))
        t_end = np.zeros(S)
        t_match = np.zeros((A, A))
        t_insx = np.zeros((K, A))
        t_insy = np.zeros((K, A))
        for t in range(chunk_off[c], chunk_off[c + 1]):
            p = chunk_pairs[t]
            t_trans[:] = 0.0
            t_end[:] = 0.0
            t_match[:] = 0.0
            t_insx[:] = 0.0
            t_insy[:] = 0.0
            lp, fl = expected_counts(xcat[xoff[p]:xoff[p + 1]], ycat[yoff[p]:yoff[p + 1]],
                                     trans, end, om, fx, fy, lrx, lry,
                                     t_trans, t_end, t_match, t_insx, t_insy)
            out[p] = lp
            flags[p] = fl
            if not fl and lp != NEG_INF:
                b_trans[c] += t_trans
                b_end[c] += t_end
                b_match[c] += t_match
                b_insx[c] += t_insx
                b_insy[c] += t_insy
    return (out, flags, b_trans.sum(axis=0), b_end.sum(axis=0), b_match.sum(axis=0),
            b_insx.sum(axis=0), b_insy.sum(axis=0))


@njit(cache=True, parallel=True)
def batch_mea(xcat, xoff, ycat, yoff, chunk_pairs, chunk_off,
              trans, end, om, fx, fy, lrx, lry):
    """Posterior + MEA for every pair.

    Returns (log_probs (P,), flags (P,), mea_scores (P,), ops_cat int8, ops_off (P+1,)):
    the ops of pair p are ops_cat[ops_off[p]:ops_off[p] + length], padded with -1.
    """
    P = xoff.shape[0] - 1
    ops_off = np.zeros(P + 1, dtype=np.int64)
    for p in range(P):
        ops_off[p + 1] = ops_off[p] + (xoff[p + 1] - xoff[p]) + (yoff[p + 1] - yoff[p])
    ops_cat = np.full(ops_off[P], -1, dtype=np.int8)
    out = np.empty(P)
    score = np.zeros(P)
    flags = np.zeros(P, dtype=np.bool_)
    for c in prange(chunk_off.shape[0] - 1):
        for t in range(chunk_off[c], chunk_off[c + 1]):
            p = chunk_pairs[t]
            y = ycat[yoff[p]:yoff[p + 1]]
            lp, fl, L, pst = posterior_match(xcat[xoff[p]:xoff[p + 1]], y,
                                             trans, end, om, fx, fy, lrx, lry)
            out[p] = lp
            flags[p] = fl
            if lp == NEG_INF or fl:
                continue
            sc, ops = mea_striped(pst, y.shape[0], L)
            score[p] = sc
            ops_cat[ops_off[p]:ops_off[p] + ops.shape[0]] = ops
    return out, flags, score, ops_cat, ops_off


@njit(cache=True, parallel=True)
def batch_viterbi(xcat, xoff, ycat, yoff, chunk_pairs, chunk_off,
                  trans, end, om, fx, fy, lrx, lry,
                  log_trans, log_end, log_match, log_ins_x, log_ins_y):
    """Viterbi alignment plus posteriors (for its expected accuracy) of every pair.

    Returns (log_probs (P,) forward totals, flags (P,), acc_sum (P,) summed match
    posteriors along the Viterbi path, ops_cat int8, ops_off (P+1,)) with ops as in
    :func:`batch_mea` (0 = M, 1 = I, 2 = D, padded with -1).
    """
    P = xoff.shape[0] - 1
    S = trans.shape[0]
    K = (S - 1) // 2
    ops_off = np.zeros(P + 1, dtype=np.int64)
    for p in range(P):
        ops_off[p + 1] = ops_off[p] + (xoff[p + 1] - xoff[p]) + (yoff[p + 1] - yoff[p])
    ops_cat = np.full(ops_off[P], -1, dtype=np.int8)
    out = np.empty(P)
    score = np.zeros(P)
    flags = np.zeros(P, dtype=np.bool_)
    for c in prange(chunk_off.shape[0] - 1):
        for t in range(chunk_off[c], chunk_off[c + 1]):
            p = chunk_pairs[t]
            x = xcat[xoff[p]:xoff[p + 1]]
            y = ycat[yoff[p]:yoff[p + 1]]
            lp, fl, L, pst = posterior_match(x, y, trans, end, om, fx, fy, lrx, lry)
            out[p] = lp
            flags[p] = fl
            if lp == NEG_INF or fl:
                continue
            _, states = viterbi(x, y, log_trans, log_end, log_match, log_ins_x, log_ins_y)
            i = 0
            j = 0
            acc = 0.0
            base = ops_off[p]
            for u in range(states.shape[0]):
                s = states[u]
                if s == 0:
                    i += 1
                    acc += pst[i, _col_index(j + 1, L)]
                    j += 1
                    ops_cat[base + u] = 0
                elif s <= K:
                    i += 1
                    ops_cat[base + u] = 1
                else:
                    j += 1
                    ops_cat[base + u] = 2
            score[p] = acc
    return out, flags, score, ops_cat, ops_off
