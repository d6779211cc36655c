"""Pair-HMM kernels in Numba: forward, backward, posteriors, Viterbi, MEA, EM counts.

Arrays only, no model, no validation (see :mod:`.kernels_reference` for the layout of
states: 0 = M, 1..K = X_k, K+1..2K = Y_k). They exploit the Durbin structure: M is
entered from every state, X_k only from M and X_k, Y_k only from M and Y_k.

Numerics. Forward/backward work in probability space, which is ~10x faster than
log-space ``logaddexp``:

* emissions are divided by per-symbol normalisers ``rx[a]``, ``ry[b]`` (the insert
  emission probabilities), so a match cell carries the odds ``p(a,b) / (rx(a) ry(b))``
  and insert cells carry ~1; the normalisers are added back in log space at the end;
* each DP row is divided by its maximum and the log of that scale is accumulated.

A cell below 1e-280 of its row maximum is flushed to zero (far off-diagonal cells of
long pairs; keeping them would only produce slow subnormal arithmetic). If the total
probability itself ends up below 1e-200 of the last row's maximum after such a flush
(extremely unbalanced lengths, e.g. 1 vs 1000 residues), the pair is flagged and the
callers recompute it with the log-space reference, so results never silently lose
precision.

Batch entry points take concatenated codes plus offsets and a partition of the pairs
into ``n_chunks`` chunks balanced by DP cells; ``prange`` runs over chunks, each with
its own count buffer, followed by one serial reduction.
"""
import numpy as np
from numba import njit, prange

_TINY = 1e-280
_SMALL_TOTAL = 1e-200
NEG_INF = -np.inf


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
    """Return (log P(x, y), flag) using two rolling rows (no full table)."""
    n, m, S = x.shape[0], y.shape[0], trans.shape[0]
    rows = np.empty((2, S, m + 1))
    logscale = 0.0
    flag = False
    mx = 1.0
    for i in range(n + 1):
        if i > 0:
            logscale += np.log(mx)
        mx, fl = _fwd_row(i, x, y, trans, om, fx, fy, rows[(i + 1) % 2], 1.0 / mx, rows[i % 2])
        flag = flag or fl
        if mx == 0.0:
            return NEG_INF, flag
    last = rows[n % 2]
    tot = 0.0
    for s in range(S):
        tot += end[s] * last[s, m]
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
def posterior(x, y, trans, end, om, fx, fy, lrx, lry):
    """Return (log P, flag, post_m (n, m), post_x (n,), post_y (m,)).

    post_x[i] = P(x_i in an insert state X_k), post_y[j] likewise for Y.
    """
    n, m, S = x.shape[0], y.shape[0], trans.shape[0]
    f = np.empty((n + 1, S, m + 1))
    cumf = np.empty(n + 1)
    post_m = np.zeros((n, m))
    post_x = np.zeros(n)
    post_y = np.zeros(m)
    lpo, flag = forward_full(x, y, trans, end, om, fx, fy, f, cumf)
    if lpo == NEG_INF:
        return NEG_INF, flag, post_m, post_x, post_y
    K = (S - 1) // 2
    dummy2 = np.zeros((1, 1))
    dummy1 = np.zeros(1)
    fl = _backward_accumulate(x, y, trans, end, om, fx, fy, f, cumf, lpo, True,
                              post_m, post_x, post_y, dummy2, dummy1, dummy2,
                              np.zeros((K, 1)), np.zeros((K, 1)), False)
    return lpo + _norm_offset(x, y, lrx, lry), flag or fl, post_m, post_x, post_y


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


# --------------------------------------------------------------------- Viterbi, MEA
@njit(cache=True)
def viterbi(x, y, log_trans, log_end, log_match, log_ins_x, log_ins_y):
    """Log-space Viterbi; ties go to the lowest predecessor state index.

    Returns (log P(best path), states (L,) int64).
    """
    n, m, S = x.shape[0], y.shape[0], log_trans.shape[0]
    K = (S - 1) // 2
    v = np.full((n + 1, S, m + 1), NEG_INF)
    ptr = np.zeros((n + 1, S, m + 1), dtype=np.int8)
    v[0, 0, 0] = 0.0
    for i in range(n + 1):
        for j in range(m + 1):
            if i == 0 and j == 0:
                continue
            for s in range(S):
                if s == 0:
                    pi, pj = i - 1, j - 1
                elif s <= K:
                    pi, pj = i - 1, j
                else:
                    pi, pj = i, j - 1
                if pi < 0 or pj < 0:
                    continue
                best = NEG_INF
                arg = 0
                for t in range(S):
                    c = v[pi, t, pj] + log_trans[t, s]
                    if c > best:
                        best = c
                        arg = t
                if s == 0:
                    e = log_match[x[i - 1], y[j - 1]]
                elif s <= K:
                    e = log_ins_x[s - 1, x[i - 1]]
                else:
                    e = log_ins_y[s - 1 - K, y[j - 1]]
                v[i, s, j] = best + e
                ptr[i, s, j] = arg
    best = NEG_INF
    s = 0
    for t in range(S):
        c = v[n, t, m] + log_end[t]
        if c > best:
            best = c
            s = t
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
            lp, fl, pm, px, py = posterior(xcat[xoff[p]:xoff[p + 1]], ycat[yoff[p]:yoff[p + 1]],
                                           trans, end, om, fx, fy, lrx, lry)
            out[p] = lp
            flags[p] = fl
            if lp == NEG_INF or fl:
                continue
            sc, ops = mea(pm)
            score[p] = sc
            ops_cat[ops_off[p]:ops_off[p] + ops.shape[0]] = ops
    return out, flags, score, ops_cat, ops_off
