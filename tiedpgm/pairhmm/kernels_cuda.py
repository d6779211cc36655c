"""Pair-HMM kernels for the GPU (Numba-CUDA): forward, backward + match posteriors, MEA,
Viterbi, expected counts (the E-step of ``fit``).

Device arrays only, no model, no validation; the layout of states and the recursions are
those of :mod:`.kernels_reference` (the oracle), specialised to the Durbin structure
(M entered from every state, X_k only from M and X_k, Y_k only from M and Y_k). The same
source runs on an NVIDIA GPU and, with ``NUMBA_ENABLE_CUDASIM=1`` set before numba is
imported, on the CPU under Numba's CUDA simulator (how CI tests it).

One warp per pair, systolic over anti-diagonals
-----------------------------------------------
The (n+1) x (m+1) DP matrix (row 0 and column 0 included) is cut into horizontal strips
of ``W`` rows (``W`` = 32 = one warp on a GPU; smaller under the simulator so that tiny
pairs still span several strips). Lane ``l`` owns row ``i = r0 + l`` of the strip that
starts at row ``r0``; at step ``s`` (0 .. m + W - 1) it computes column ``j = s - l``
(idle when ``j`` is outside 0..m or ``i > n``). Each cell sends *messages* rather than
its state values:

* to (i+1, j+1): ``tM = logsumexp_s(f_s(i, j) + log_trans[s, M])``;
* to (i+1, j):   ``tX_k = logsumexp(f_M + log_trans[M, X_k], f_Xk + log_trans[X_k, X_k])``;
* to (i, j+1):   ``tY_k`` likewise (the lane keeps it: it is its own next cell).

so that ``f_M(i, j) = log_match[x_i, y_j] + tM(i-1, j-1)``, ``f_Xk = log_ins_x + tX_k(i-1, j)``,
``f_Yk = log_ins_y + tY_k(i, j-1)``. Messages from row ``i-1`` come from lane ``l-1`` by a
warp shuffle (``shfl_up_sync``) of the previous step's result; the diagonal one is the
value received one step earlier. Lane 0 reads the messages of the row above the strip
from a per-warp boundary buffer in global memory that the last lane of the previous
strip wrote. The backward pass runs the same strips bottom-up and the steps in reverse,
with ``shfl_down_sync``, and messages ``g_M = log_match + b_M``, ``g_Xk = log_ins_x + b_Xk``,
``g_Yk = log_ins_y + b_Yk``. The MEA pass is the forward scheme with (max, +) on the match
posteriors.

Under the simulator (no shuffles there) the exchange goes through shared memory between
two barriers; one block is one warp there, so this has the same semantics.

Numerics
--------
Values are in log space. All messages a cell sends are sums over the same S state values
(backward: over the same S incoming messages), so a cell takes one shared maximum ``mx``,
one ``exp(v - mx)`` per state and one ``log`` per message, with the transition
probabilities themselves (``exp(log_trans)``, in registers) as weights: 2K + 1 exps and
2K + 1 logs per cell instead of a separate logsumexp per message (5 + 5 instead of 9 + 5
for K = 2). A term more than ~87 nats (float32; ~745 in float64) below the cell's largest
state underflows to 0; the states of one cell are within a few tens of nats of each other
(they share their predecessors up to one transition and one emission), so this only
drops what the reference's logsumexp would also round away in that dtype.
``-inf`` is replaced by a large finite sentinel ``NEG`` (-1e200 in float64, -1e30 in
float32) in the tables and in empty cells, and every message is clamped at ``NEG`` (an
all-zero sum gives ``NEG``), so ``max - max`` never gives NaN and impossible cells stay
bounded (>= 3 NEG).
A pair whose log-likelihood ends below ``NEG / 2`` has probability 0 (a structural zero);
the host flags it and redoes it on the CPU. float32 kernels are compiled with
``fastmath=True`` (MUFU exp/log); float64 without, and equal the reference to ~1e-13.

Storage
-------
The forward pass of :func:`build`'s ``fwd_bwd`` kernel stores ``f_M`` per cell in a flat
buffer in *strip-step-lane* order: cell (i, j), i, j >= 1, of a pair lies at
``base + t*(m+W)*W + (j+l)*W + l`` with ``t = i // W``, ``l = i % W`` (so the 32 stores of
one step are one coalesced segment); the backward pass overwrites each entry with the
match posterior ``exp(f_M + b_M - log P)``. The MEA kernel reads that buffer, writes one
direction byte per cell in the same layout, and lane 0 traces back (ties: match, then
'I', then 'D', exactly as :func:`.kernels_reference.mea` and the Numba kernels, since the
values compared are the same IEEE sums).

The Viterbi kernel is the forward scheme in (max, +) on log probabilities with one
pointer byte per cell in that layout (see :func:`build`'s ``viterbi_pair``); the counts
kernel stores all S forward states per cell (S planes of the layout) and adds, in the
backward pass, each cell's outgoing transition counts and state posteriors.
"""
import functools
import math

import numpy as np
from numba import config as _numba_config
from numba import float32, float64, int64

from ..kernels._numba_cuda import cuda

NEG = {"float64": -1e200, "float32": -1e30}
FULL_MASK = 0xFFFFFFFF


def simulated():
    return bool(_numba_config.ENABLE_CUDASIM)


def strip_cells(n, m, lanes):
    """Entries of a pair in the strip-step-lane layout (NumPy-vectorised)."""
    n = np.asarray(n, dtype=np.int64)
    m = np.asarray(m, dtype=np.int64)
    return ((n + lanes) // lanes) * (m + lanes) * lanes


def cell_index(n, m, lanes):
    """(n, m) int64 array: layout index of match cell (i+1, j+1) relative to the pair's base."""
    i = np.arange(1, n + 1, dtype=np.int64)[:, None]
    j = np.arange(1, m + 1, dtype=np.int64)[None, :]
    t, l = i // lanes, i % lanes
    return t * (m + lanes) * lanes + (j + l) * lanes + l


@functools.lru_cache(maxsize=None)
def build(dtype_name="float64", K=1, lanes=32, sim=None):
    """Kernels for ``dtype_name`` in {"float64", "float32"}, ``K`` insert pairs, ``lanes``
    rows per strip (32 on a GPU). Returns a dict of CUDA dispatchers."""
    if dtype_name not in NEG:
        raise ValueError(f"dtype={dtype_name!r} is not supported; use 'float64' or 'float32'.")
    if K not in (1, 2):
        raise ValueError(f"K={K!r}: n_insert_pairs must be 1 or 2.")
    sim = simulated() if sim is None else sim
    if not sim and lanes != 32:
        raise ValueError("on a GPU a strip is one warp: lanes must be 32.")
    ftype = float64 if dtype_name == "float64" else float32
    NEGV = NEG[dtype_name]
    W = lanes
    fm = dtype_name == "float32"
    SH = W if sim else 1

    if sim:
        @cuda.jit(device=True)
        def xup(sh, lane, v):
            """Value of lane - 1 (lane 0 gets its own), like shfl_up_sync(.., 1)."""
            cuda.syncthreads()
            sh[lane] = v
            cuda.syncthreads()
            r = v
            if lane > 0:
                r = sh[lane - 1]
            return r

        @cuda.jit(device=True)
        def xdown(sh, lane, v):
            cuda.syncthreads()
            sh[lane] = v
            cuda.syncthreads()
            r = v
            if lane < W - 1:
                r = sh[lane + 1]
            return r

        @cuda.jit(device=True)
        def wsync():
            cuda.syncthreads()
    else:
        @cuda.jit(device=True)
        def xup(sh, lane, v):
            return cuda.shfl_up_sync(FULL_MASK, v, 1)

        @cuda.jit(device=True)
        def xdown(sh, lane, v):
            return cuda.shfl_down_sync(FULL_MASK, v, 1)

        @cuda.jit(device=True)
        def wsync():
            cuda.syncwarp(FULL_MASK)

    # (builtin max/min do not compile for the device in every numba-cuda release)
    @cuda.jit(device=True)
    def mx2(a, b):
        return a if a > b else b

    @cuda.jit(device=True, fastmath=fm)
    def lse3(a, b, c):
        mx = mx2(a, mx2(b, c))
        r = mx + math.log(math.exp(a - mx) + math.exp(b - mx) + math.exp(c - mx))
        return mx2(r, ftype(NEGV))

    @cuda.jit(device=True, fastmath=fm)
    def lse5(a, b, c, d, e):
        mx = mx2(mx2(a, b), mx2(c, mx2(d, e)))
        r = mx + math.log(math.exp(a - mx) + math.exp(b - mx) + math.exp(c - mx)
                          + math.exp(d - mx) + math.exp(e - mx))
        return mx2(r, ftype(NEGV))

    @cuda.jit(device=True)
    def warp_ids():
        tid = cuda.blockIdx.x * cuda.blockDim.x + cuda.threadIdx.x
        return tid // W, cuda.threadIdx.x % W, (cuda.gridDim.x * cuda.blockDim.x) // W

    @cuda.jit(device=True)
    def load_trans(lt, tMX, tXM, tXX, tMY, tYM, tYY):
        """Transition probabilities exp(log_trans) into per-lane locals (registers once
        unrolled); the sentinel gives exactly 0."""
        for k in range(K):
            sx = 1 + k
            sy = 1 + K + k
            tMX[k] = math.exp(lt[0, sx])
            tXM[k] = math.exp(lt[sx, 0])
            tXX[k] = math.exp(lt[sx, sx])
            tMY[k] = math.exp(lt[0, sy])
            tYM[k] = math.exp(lt[sy, 0])
            tYY[k] = math.exp(lt[sy, sy])
        return math.exp(lt[0, 0])

    @cuda.jit(device=True, fastmath=fm)
    def lgs(v, mx):
        """mx + log(v) for a sum v of exp(. - mx) terms; the sentinel when v is 0."""
        r = ftype(NEGV)
        if v > 0:
            r = mx + math.log(v)
        return mx2(r, ftype(NEGV))

    # ------------------------------------------------------------------ forward pass
    @cuda.jit(device=True, fastmath=fm)
    def forward_pair(p, xcat, xoff, ycat, yoff, lt, le, lm, lix, liy, bnd, bo,
                     fbuf, fo, store, lane, sh, log_prob, plane):
        """plane > 0: store every state of every cell (state s at offset s * plane, for the
        expected counts); else, with store, f_M of the cells i, j >= 1."""
        neg = ftype(NEGV)
        xo = xoff[p]
        n = xoff[p + 1] - xo
        yo = yoff[p]
        m = yoff[p + 1] - yo
        rX = cuda.local.array(K, ftype)
        oX = cuda.local.array(K, ftype)
        cY = cuda.local.array(K, ftype)
        fX = cuda.local.array(K, ftype)
        fY = cuda.local.array(K, ftype)
        tMX = cuda.local.array(K, ftype)
        tXM = cuda.local.array(K, ftype)
        tXX = cuda.local.array(K, ftype)
        tMY = cuda.local.array(K, ftype)
        tYM = cuda.local.array(K, ftype)
        tYY = cuda.local.array(K, ftype)
        tMM = load_trans(lt, tMX, tXM, tXX, tMY, tYM, tYY)
        ex = cuda.local.array(K, ftype)
        nstrips = (n + W) // W
        for t in range(nstrips):
            r0 = t * W
            i = r0 + lane
            xi = 0
            if i >= 1 and i <= n:
                xi = xcat[xo + i - 1]
            for k in range(K):
                ex[k] = lix[k, xi]        # this lane's X emissions for the whole strip
            base = fo + t * (m + W) * W
            rM = neg
            oM = neg
            for k in range(K):
                oX[k] = neg
                cY[k] = neg
                rX[k] = neg
            for s in range(m + W):
                j = s - lane
                diag = rM
                rM = xup(sh, lane, oM)
                for k in range(K):
                    rX[k] = xup(sh, lane, oX[k])
                if lane == 0:
                    if r0 > 0 and j <= m:
                        rM = bnd[0, bo + j]
                        for k in range(K):
                            rX[k] = bnd[1 + k, bo + j]
                    else:
                        rM = neg
                        for k in range(K):
                            rX[k] = neg
                if i <= n and j >= 0 and j <= m:
                    yj = 0
                    if j >= 1:
                        yj = ycat[yo + j - 1]
                    if i == 0 and j == 0:
                        fM = ftype(0.0)
                        for k in range(K):
                            fX[k] = neg
                            fY[k] = neg
                    else:
                        fM = neg
                        if i >= 1 and j >= 1:
                            fM = lm[xi, yj] + diag
                        for k in range(K):
                            fX[k] = neg
                            fY[k] = neg
                            if i >= 1:
                                fX[k] = ex[k] + rX[k]
                            if j >= 1:
                                fY[k] = liy[k, yj] + cY[k]
                    # every message is a sum over this cell's states: one shared
                    # maximum and one exp per state, then one log per message
                    mx = fM
                    for k in range(K):
                        mx = mx2(mx, mx2(fX[k], fY[k]))
                    eM = math.exp(fM - mx)
                    sM = eM * tMM
                    for k in range(K):
                        eX = math.exp(fX[k] - mx)
                        eY = math.exp(fY[k] - mx)
                        sM += eX * tXM[k] + eY * tYM[k]
                        oX[k] = lgs(eM * tMX[k] + eX * tXX[k], mx)
                        cY[k] = lgs(eM * tMY[k] + eY * tYY[k], mx)
                    oM = lgs(sM, mx)
                    if plane > 0:
                        idx = base + s * W + lane
                        fbuf[idx] = fM
                        for k in range(K):
                            fbuf[idx + (1 + k) * plane] = fX[k]
                            fbuf[idx + (1 + K + k) * plane] = fY[k]
                    elif store and i >= 1 and j >= 1:
                        fbuf[base + s * W + lane] = fM
                    if i == n and j == m:
                        if K == 1:
                            lp = lse3(fM + le[0], fX[0] + le[1], fY[0] + le[2])
                        else:
                            lp = lse5(fM + le[0], fX[0] + le[1], fX[1] + le[2],
                                      fY[0] + le[3], fY[1] + le[4])
                        log_prob[p] = float64(lp)
                    if lane == W - 1:
                        bnd[0, bo + j] = oM
                        for k in range(K):
                            bnd[1 + k, bo + j] = oX[k]
                else:
                    oM = neg
                    for k in range(K):
                        oX[k] = neg
                        cY[k] = neg
            wsync()

    # ----------------------------------------------------------------- backward pass
    @cuda.jit(device=True, fastmath=fm)
    def backward_pair(p, xcat, xoff, ycat, yoff, lt, le, lm, lix, liy, bnd, bo,
                      fbuf, fo, lane, sh, log_prob):
        """Overwrite the stored f_M of pair p with match posteriors."""
        neg = ftype(NEGV)
        xo = xoff[p]
        n = xoff[p + 1] - xo
        yo = yoff[p]
        m = yoff[p + 1] - yo
        lp = ftype(log_prob[p])
        rX = cuda.local.array(K, ftype)
        oX = cuda.local.array(K, ftype)
        cY = cuda.local.array(K, ftype)
        bX = cuda.local.array(K, ftype)
        bY = cuda.local.array(K, ftype)
        tMX = cuda.local.array(K, ftype)
        tXM = cuda.local.array(K, ftype)
        tXX = cuda.local.array(K, ftype)
        tMY = cuda.local.array(K, ftype)
        tYM = cuda.local.array(K, ftype)
        tYY = cuda.local.array(K, ftype)
        tMM = load_trans(lt, tMX, tXM, tXX, tMY, tYM, tYY)
        ex = cuda.local.array(K, ftype)
        nstrips = (n + W) // W
        for t in range(nstrips - 1, -1, -1):
            r0 = t * W
            i = r0 + lane
            xi = 0
            if i >= 1 and i <= n:
                xi = xcat[xo + i - 1]
            for k in range(K):
                ex[k] = lix[k, xi]        # this lane's X emissions for the whole strip
            base = fo + t * (m + W) * W
            rM = neg
            oM = neg
            for k in range(K):
                oX[k] = neg
                cY[k] = neg
                rX[k] = neg
            for s in range(m + W - 1, -1, -1):
                j = s - lane
                diag = rM
                rM = xdown(sh, lane, oM)
                for k in range(K):
                    rX[k] = xdown(sh, lane, oX[k])
                if lane == W - 1:
                    if r0 + W <= n and j >= 0 and j <= m:
                        rM = bnd[0, bo + j]
                        for k in range(K):
                            rX[k] = bnd[1 + k, bo + j]
                    else:
                        rM = neg
                        for k in range(K):
                            rX[k] = neg
                if i <= n and j >= 0 and j <= m:
                    yj = 0
                    if j >= 1:
                        yj = ycat[yo + j - 1]
                    if i == n and j == m:
                        bM = le[0]
                        for k in range(K):
                            bX[k] = le[1 + k]
                            bY[k] = le[1 + K + k]
                    else:
                        mx = diag
                        for k in range(K):
                            mx = mx2(mx, mx2(rX[k], cY[k]))
                        eD = math.exp(diag - mx)
                        sM = eD * tMM
                        for k in range(K):
                            eR = math.exp(rX[k] - mx)
                            eC = math.exp(cY[k] - mx)
                            sM += eR * tMX[k] + eC * tMY[k]
                            bX[k] = lgs(eD * tXM[k] + eR * tXX[k], mx)
                            bY[k] = lgs(eD * tYM[k] + eC * tYY[k], mx)
                        bM = lgs(sM, mx)
                    oM = neg
                    if i >= 1 and j >= 1:
                        oM = lm[xi, yj] + bM
                        idx = base + s * W + lane
                        fbuf[idx] = math.exp(fbuf[idx] + bM - lp)
                    for k in range(K):
                        oX[k] = neg
                        cY[k] = neg
                        if i >= 1:
                            oX[k] = ex[k] + bX[k]
                        if j >= 1:
                            cY[k] = liy[k, yj] + bY[k]
                    if lane == 0:
                        bnd[0, bo + j] = oM
                        for k in range(K):
                            bnd[1 + k, bo + j] = oX[k]
                else:
                    oM = neg
                    for k in range(K):
                        oX[k] = neg
                        cY[k] = neg
            wsync()

    # ------------------------------------------------------------- expected counts
    @cuda.jit(device=True, fastmath=fm)
    def counts_backward_pair(p, xcat, xoff, ycat, yoff, lt, le, lm, lix, liy, bnd, bo,
                             fbuf, fo, plane, lane, sh, log_prob, acc, cnt, warp):
        """backward_pair's recursion; instead of posteriors, add the expected counts of
        pair p: transitions out of each cell (f_s + log a_st + the successor's message
        - log P) into the lane's ``acc`` (M->M, then per k: X->M, Y->M, M->X, X->X,
        M->Y, Y->Y), state posteriors as emission counts and the end transitions into
        this warp's row of ``cnt`` (layout: see :func:`count_layout`)."""
        neg = ftype(NEGV)
        S = 1 + 2 * K
        A = lm.shape[0]
        o_end = S * S
        o_match = o_end + S
        o_insx = o_match + A * A
        o_insy = o_insx + K * A
        xo = xoff[p]
        n = xoff[p + 1] - xo
        yo = yoff[p]
        m = yoff[p + 1] - yo
        lp = ftype(log_prob[p])
        rX = cuda.local.array(K, ftype)
        oX = cuda.local.array(K, ftype)
        cY = cuda.local.array(K, ftype)
        bX = cuda.local.array(K, ftype)
        bY = cuda.local.array(K, ftype)
        fXv = cuda.local.array(K, ftype)
        fYv = cuda.local.array(K, ftype)
        px = cuda.local.array(K, float64)
        tMX = cuda.local.array(K, ftype)
        tXM = cuda.local.array(K, ftype)
        tXX = cuda.local.array(K, ftype)
        tMY = cuda.local.array(K, ftype)
        tYM = cuda.local.array(K, ftype)
        tYY = cuda.local.array(K, ftype)
        tMM = load_trans(lt, tMX, tXM, tXX, tMY, tYM, tYY)
        ex = cuda.local.array(K, ftype)
        nstrips = (n + W) // W
        for t in range(nstrips - 1, -1, -1):
            r0 = t * W
            i = r0 + lane
            xi = int64(0)      # int64 codes: count indices exceed 255 for A >= 16
            if i >= 1 and i <= n:
                xi = int64(xcat[xo + i - 1])
            for k in range(K):
                ex[k] = lix[k, xi]
                px[k] = 0.0
            base = fo + t * (m + W) * W
            rM = neg
            oM = neg
            for k in range(K):
                oX[k] = neg
                cY[k] = neg
                rX[k] = neg
            for s in range(m + W - 1, -1, -1):
                j = s - lane
                diag = rM
                rM = xdown(sh, lane, oM)
                for k in range(K):
                    rX[k] = xdown(sh, lane, oX[k])
                if lane == W - 1:
                    if r0 + W <= n and j >= 0 and j <= m:
                        rM = bnd[0, bo + j]
                        for k in range(K):
                            rX[k] = bnd[1 + k, bo + j]
                    else:
                        rM = neg
                        for k in range(K):
                            rX[k] = neg
                if i <= n and j >= 0 and j <= m:
                    yj = int64(0)
                    if j >= 1:
                        yj = int64(ycat[yo + j - 1])
                    idx = base + s * W + lane
                    fMv = fbuf[idx]
                    for k in range(K):
                        fXv[k] = fbuf[idx + (1 + k) * plane]
                        fYv[k] = fbuf[idx + (1 + K + k) * plane]
                    if i == n and j == m:
                        bM = le[0]
                        for k in range(K):
                            bX[k] = le[1 + k]
                            bY[k] = le[1 + K + k]
                        cuda.atomic.add(cnt, (warp, o_end),
                                        float64(math.exp(fMv + bM - lp)))
                        for k in range(K):
                            cuda.atomic.add(cnt, (warp, o_end + 1 + k),
                                            float64(math.exp(fXv[k] + bX[k] - lp)))
                            cuda.atomic.add(cnt, (warp, o_end + 1 + K + k),
                                            float64(math.exp(fYv[k] + bY[k] - lp)))
                    else:
                        mx = diag
                        for k in range(K):
                            mx = mx2(mx, mx2(rX[k], cY[k]))
                        eD = math.exp(diag - mx)
                        sM = eD * tMM
                        for k in range(K):
                            eR = math.exp(rX[k] - mx)
                            eC = math.exp(cY[k] - mx)
                            sM += eR * tMX[k] + eC * tMY[k]
                            bX[k] = lgs(eD * tXM[k] + eR * tXX[k], mx)
                            bY[k] = lgs(eD * tYM[k] + eC * tYY[k], mx)
                        bM = lgs(sM, mx)
                        # transitions out of (i, j)
                        dl = diag - lp
                        acc[0] += float64(math.exp(fMv + lt[0, 0] + dl))
                        for k in range(K):
                            sx = 1 + k
                            sy = 1 + K + k
                            rl = rX[k] - lp
                            cl = cY[k] - lp
                            acc[1 + 6 * k] += float64(math.exp(fXv[k] + lt[sx, 0] + dl))
                            acc[2 + 6 * k] += float64(math.exp(fYv[k] + lt[sy, 0] + dl))
                            acc[3 + 6 * k] += float64(math.exp(fMv + lt[0, sx] + rl))
                            acc[4 + 6 * k] += float64(math.exp(fXv[k] + lt[sx, sx] + rl))
                            acc[5 + 6 * k] += float64(math.exp(fMv + lt[0, sy] + cl))
                            acc[6 + 6 * k] += float64(math.exp(fYv[k] + lt[sy, sy] + cl))
                    # emissions: posteriors of the states of (i, j)
                    if i >= 1 and j >= 1:
                        cuda.atomic.add(cnt, (warp, o_match + xi * A + yj),
                                        float64(math.exp(fMv + bM - lp)))
                    for k in range(K):
                        if i >= 1:
                            px[k] += float64(math.exp(fXv[k] + bX[k] - lp))
                        if j >= 1:
                            cuda.atomic.add(cnt, (warp, o_insy + k * A + yj),
                                            float64(math.exp(fYv[k] + bY[k] - lp)))
                    oM = neg
                    if i >= 1 and j >= 1:
                        oM = lm[xi, yj] + bM
                    for k in range(K):
                        oX[k] = neg
                        cY[k] = neg
                        if i >= 1:
                            oX[k] = ex[k] + bX[k]
                        if j >= 1:
                            cY[k] = liy[k, yj] + bY[k]
                    if lane == 0:
                        bnd[0, bo + j] = oM
                        for k in range(K):
                            bnd[1 + k, bo + j] = oX[k]
                else:
                    oM = neg
                    for k in range(K):
                        oX[k] = neg
                        cY[k] = neg
            if i >= 1 and i <= n:
                for k in range(K):
                    cuda.atomic.add(cnt, (warp, o_insx + k * A + xi), px[k])
            wsync()

    # ------------------------------------------------------------------------ MEA
    @cuda.jit(device=True)
    def mea_pair(p, q, xoff, yoff, post, codes, fo, bnd, bo, ops, opoff, oplen, score,
                 lane, sh):
        zero = ftype(0.0)
        n = xoff[p + 1] - xoff[p]
        m = yoff[p + 1] - yoff[p]
        nstrips = (n + W) // W
        for t in range(nstrips):
            r0 = t * W
            i = r0 + lane
            base = fo + t * (m + W) * W
            rA = zero
            oA = zero
            cA = zero
            for s in range(m + W):
                j = s - lane
                diag = rA
                rA = xup(sh, lane, oA)
                if lane == 0:
                    rA = zero
                    if r0 > 0 and j <= m:
                        rA = bnd[0, bo + j]
                if i <= n and j >= 0 and j <= m:
                    a = zero
                    if i >= 1 and j >= 1:
                        idx = base + s * W + lane
                        d = diag + post[idx]
                        a = d
                        if rA > a:
                            a = rA
                        if cA > a:
                            a = cA
                        c = 2
                        if a == d:
                            c = 0
                        elif a == rA:
                            c = 1
                        codes[idx] = c
                    oA = a
                    cA = a
                    if i == n and j == m:
                        score[p] = float64(a)
                    if lane == W - 1:
                        bnd[0, bo + j] = a
                else:
                    oA = zero
                    cA = zero
            wsync()
        if lane == 0:
            i = n
            j = m
            L = 0
            o0 = opoff[q]
            while i > 0 or j > 0:
                if i == 0:
                    c = 2
                elif j == 0:
                    c = 1
                else:
                    t = i // W
                    l = i - t * W
                    c = codes[fo + t * (m + W) * W + (j + l) * W + l]
                ops[o0 + L] = c
                L += 1
                if c == 0:
                    i -= 1
                    j -= 1
                elif c == 1:
                    i -= 1
                else:
                    j -= 1
            oplen[q] = L
        wsync()

    # -------------------------------------------------------------------- Viterbi
    @cuda.jit(device=True)
    def viterbi_pair(p, q, xcat, xoff, ycat, yoff, lt, le, lm, lix, liy, bnd, bo, ptr, fo,
                     post, with_post, states, opoff, oplen, vlp, score, lane, sh):
        """(max, +) version of forward_pair. Each cell sends the best candidate of every
        message and stores, at its own slot of ``ptr``, which of its states won: bits 0-2
        the state that the M of (i+1, j+1) comes from, bit 2 + s (s = 1..2K) set when
        insert state s of the successor comes from s itself rather than from M. The
        candidates are the Numba kernel's sums (v_t + log_trans[t, s]) compared in its
        order with ``>``, so ties go to the lowest state index as there."""
        neg = ftype(NEGV)
        xo = xoff[p]
        n = xoff[p + 1] - xo
        yo = yoff[p]
        m = yoff[p + 1] - yo
        rX = cuda.local.array(K, ftype)
        oX = cuda.local.array(K, ftype)
        cY = cuda.local.array(K, ftype)
        fX = cuda.local.array(K, ftype)
        fY = cuda.local.array(K, ftype)
        lMX = cuda.local.array(K, ftype)
        lXM = cuda.local.array(K, ftype)
        lXX = cuda.local.array(K, ftype)
        lMY = cuda.local.array(K, ftype)
        lYM = cuda.local.array(K, ftype)
        lYY = cuda.local.array(K, ftype)
        ex = cuda.local.array(K, ftype)
        lMM = lt[0, 0]
        for k in range(K):
            sx = 1 + k
            sy = 1 + K + k
            lMX[k] = lt[0, sx]
            lXM[k] = lt[sx, 0]
            lXX[k] = lt[sx, sx]
            lMY[k] = lt[0, sy]
            lYM[k] = lt[sy, 0]
            lYY[k] = lt[sy, sy]
        nstrips = (n + W) // W
        for t in range(nstrips):
            r0 = t * W
            i = r0 + lane
            xi = 0
            if i >= 1 and i <= n:
                xi = xcat[xo + i - 1]
            for k in range(K):
                ex[k] = lix[k, xi]
            base = fo + t * (m + W) * W
            rM = neg
            oM = neg
            for k in range(K):
                oX[k] = neg
                cY[k] = neg
                rX[k] = neg
            for s in range(m + W):
                j = s - lane
                diag = rM
                rM = xup(sh, lane, oM)
                for k in range(K):
                    rX[k] = xup(sh, lane, oX[k])
                if lane == 0:
                    if r0 > 0 and j <= m:
                        rM = bnd[0, bo + j]
                        for k in range(K):
                            rX[k] = bnd[1 + k, bo + j]
                    else:
                        rM = neg
                        for k in range(K):
                            rX[k] = neg
                if i <= n and j >= 0 and j <= m:
                    yj = 0
                    if j >= 1:
                        yj = ycat[yo + j - 1]
                    if i == 0 and j == 0:
                        fM = ftype(0.0)
                        for k in range(K):
                            fX[k] = neg
                            fY[k] = neg
                    else:
                        fM = neg
                        if i >= 1 and j >= 1:
                            fM = lm[xi, yj] + diag
                        for k in range(K):
                            fX[k] = neg
                            fY[k] = neg
                            if i >= 1:
                                fX[k] = ex[k] + rX[k]
                            if j >= 1:
                                fY[k] = liy[k, yj] + cY[k]
                    best = fM + lMM
                    code = 0
                    for k in range(K):
                        c = fX[k] + lXM[k]
                        if c > best:
                            best = c
                            code = 1 + k
                    for k in range(K):
                        c = fY[k] + lYM[k]
                        if c > best:
                            best = c
                            code = 1 + K + k
                    oM = mx2(best, neg)
                    for k in range(K):
                        c0 = fM + lMX[k]
                        c1 = fX[k] + lXX[k]
                        if c1 > c0:
                            c0 = c1
                            code |= 1 << (3 + k)
                        oX[k] = mx2(c0, neg)
                        c0 = fM + lMY[k]
                        c1 = fY[k] + lYY[k]
                        if c1 > c0:
                            c0 = c1
                            code |= 1 << (3 + K + k)
                        cY[k] = mx2(c0, neg)
                    ptr[base + s * W + lane] = code
                    if i == n and j == m:
                        best = fM + le[0]
                        code = 0
                        for k in range(K):
                            c = fX[k] + le[1 + k]
                            if c > best:
                                best = c
                                code = 1 + k
                        for k in range(K):
                            c = fY[k] + le[1 + K + k]
                            if c > best:
                                best = c
                                code = 1 + K + k
                        vlp[p] = float64(best)
                        oplen[q] = code       # the last state, for the traceback
                    if lane == W - 1:
                        bnd[0, bo + j] = oM
                        for k in range(K):
                            bnd[1 + k, bo + j] = oX[k]
                else:
                    oM = neg
                    for k in range(K):
                        oX[k] = neg
                        cY[k] = neg
            wsync()
        if lane == 0:
            s = oplen[q]
            L = 0
            acc = 0.0
            if vlp[p] > NEGV / 2:
                i = n
                j = m
                o0 = opoff[q]
                while i > 0 or j > 0:
                    states[o0 + L] = s
                    L += 1
                    if s == 0:
                        if with_post != 0:
                            t = i // W
                            l = i - t * W
                            acc += float64(post[fo + t * (m + W) * W + (j + l) * W + l])
                        i -= 1
                        j -= 1
                    elif s <= K:
                        i -= 1
                    else:
                        j -= 1
                    t = i // W
                    l = i - t * W
                    b8 = ptr[fo + t * (m + W) * W + (j + l) * W + l]
                    if s == 0:
                        s = b8 & 7
                    elif ((b8 >> (2 + s)) & 1) == 0:
                        s = 0
            oplen[q] = L
            score[p] = acc
        wsync()

    # -------------------------------------------------------------------- kernels
    @cuda.jit(fastmath=fm)
    def score(xcat, xoff, ycat, yoff, order, lt, le, lm, lix, liy, bnd, log_prob):
        """log P of every pair (forward only); bnd: (1 + K, n_warps * (max m + 1))."""
        sh = cuda.shared.array(SH, ftype)
        warp, lane, nwarps = warp_ids()
        stride_b = bnd.shape[1] // nwarps
        bo = warp * stride_b
        for q in range(warp, order.shape[0], nwarps):
            p = order[q]
            forward_pair(p, xcat, xoff, ycat, yoff, lt, le, lm, lix, liy, bnd, bo,
                         bnd[0], 0, False, lane, sh, log_prob, 0)

    @cuda.jit(fastmath=fm)
    def fwd_bwd(xcat, xoff, ycat, yoff, order, cell_off, lt, le, lm, lix, liy, bnd,
                log_prob, post):
        """log P and match posteriors of every pair in ``order`` (positions q of a chunk),
        into ``post`` at ``cell_off[q]`` in the strip-step-lane layout."""
        sh = cuda.shared.array(SH, ftype)
        warp, lane, nwarps = warp_ids()
        stride_b = bnd.shape[1] // nwarps
        bo = warp * stride_b
        for q in range(warp, order.shape[0], nwarps):
            p = order[q]
            fo = cell_off[q]
            forward_pair(p, xcat, xoff, ycat, yoff, lt, le, lm, lix, liy, bnd, bo,
                         post, fo, True, lane, sh, log_prob, 0)
            wsync()
            if log_prob[p] > NEGV / 2:
                backward_pair(p, xcat, xoff, ycat, yoff, lt, le, lm, lix, liy, bnd, bo,
                              post, fo, lane, sh, log_prob)

    @cuda.jit
    def mea(xoff, yoff, order, cell_off, log_prob, post, codes, bnd, ops, opoff, oplen,
            score_out):
        """MEA alignment of every pair in ``order`` from its posteriors; ops of position q
        are written reversed (from the end of the alignment) at ``opoff[q]``, ``oplen[q]``
        of them."""
        sh = cuda.shared.array(SH, ftype)
        warp, lane, nwarps = warp_ids()
        stride_b = bnd.shape[1] // nwarps
        bo = warp * stride_b
        for q in range(warp, order.shape[0], nwarps):
            p = order[q]
            if log_prob[p] > NEGV / 2:
                mea_pair(p, q, xoff, yoff, post, codes, cell_off[q], bnd, bo, ops, opoff,
                         oplen, score_out, lane, sh)

    @cuda.jit
    def viterbi(xcat, xoff, ycat, yoff, order, cell_off, lt, le, lm, lix, liy, bnd, log_prob,
                post, with_post, ptr, states, opoff, oplen, vlp, score_out):
        """Viterbi path of every pair in ``order``: its log P into ``vlp``, its states
        written reversed (from the end) at ``opoff[q]``, ``oplen[q]`` of them, one pointer
        byte per cell in ``ptr`` (strip-step-lane layout at ``cell_off[q]``). With
        ``with_post`` != 0, ``post`` holds the match posteriors of ``fwd_bwd`` in the same
        layout: pairs flagged there are skipped and ``score_out`` gets the summed match
        posteriors along the path."""
        sh = cuda.shared.array(SH, ftype)
        warp, lane, nwarps = warp_ids()
        stride_b = bnd.shape[1] // nwarps
        bo = warp * stride_b
        for q in range(warp, order.shape[0], nwarps):
            p = order[q]
            if with_post == 0 or log_prob[p] > NEGV / 2:
                viterbi_pair(p, q, xcat, xoff, ycat, yoff, lt, le, lm, lix, liy, bnd, bo,
                             ptr, cell_off[q], post, with_post, states, opoff, oplen, vlp,
                             score_out, lane, sh)

    NT = 1 + 6 * K

    @cuda.jit(fastmath=fm)
    def counts(xcat, xoff, ycat, yoff, order, cell_off, lt, le, lm, lix, liy, bnd, log_prob,
               fbuf, cnt):
        """log P and expected counts of every pair in ``order``, summed into this warp's
        row of ``cnt`` (n_warps, count_layout(S, A) size), float64. ``fbuf`` holds the
        forward values of all S states of the chunk's cells (S planes of
        ``fbuf.shape[0] // S``). Pairs of probability 0 add nothing."""
        sh = cuda.shared.array(SH, ftype)
        warp, lane, nwarps = warp_ids()
        stride_b = bnd.shape[1] // nwarps
        bo = warp * stride_b
        S = 1 + 2 * K
        plane = fbuf.shape[0] // S
        acc = cuda.local.array(NT, float64)
        for u in range(NT):
            acc[u] = 0.0
        for q in range(warp, order.shape[0], nwarps):
            p = order[q]
            fo = cell_off[q]
            forward_pair(p, xcat, xoff, ycat, yoff, lt, le, lm, lix, liy, bnd, bo,
                         fbuf, fo, True, lane, sh, log_prob, plane)
            wsync()
            if log_prob[p] > NEGV / 2:
                counts_backward_pair(p, xcat, xoff, ycat, yoff, lt, le, lm, lix, liy, bnd,
                                     bo, fbuf, fo, plane, lane, sh, log_prob, acc, cnt,
                                     warp)
        cuda.atomic.add(cnt, (warp, 0), acc[0])
        for k in range(K):
            sx = 1 + k
            sy = 1 + K + k
            cuda.atomic.add(cnt, (warp, sx * S), acc[1 + 6 * k])
            cuda.atomic.add(cnt, (warp, sy * S), acc[2 + 6 * k])
            cuda.atomic.add(cnt, (warp, sx), acc[3 + 6 * k])
            cuda.atomic.add(cnt, (warp, sx * S + sx), acc[4 + 6 * k])
            cuda.atomic.add(cnt, (warp, sy), acc[5 + 6 * k])
            cuda.atomic.add(cnt, (warp, sy * S + sy), acc[6 + 6 * k])

    return {"score": score, "fwd_bwd": fwd_bwd, "mea": mea, "viterbi": viterbi,
            "counts": counts,
            "neg": NEGV, "lanes": W,
            "dtype": np.dtype(dtype_name)}


def count_layout(S, A):
    """Offsets of the fields of one row of the counts kernel's buffer: trans (S, S), end
    (S,), match (A, A), ins_x (K, A), ins_y (K, A); returns (offsets dict, row size)."""
    K = (S - 1) // 2
    off = {"trans": 0, "end": S * S, "match": S * S + S}
    off["ins_x"] = off["match"] + A * A
    off["ins_y"] = off["ins_x"] + K * A
    return off, off["ins_y"] + K * A


def signatures(dtype_name="float64"):
    """Argument types of each kernel, for ahead-of-time PTX checks (``cuda.compile_ptx``)."""
    from numba import int8, int32, int64, uint8
    f = float64 if dtype_name == "float64" else float32
    u8, i64 = uint8[::1], int64[::1]
    seqs = (u8, i64, u8, i64, i64)
    tabs = (f[:, ::1], f[::1], f[:, ::1], f[:, ::1], f[:, ::1])
    return {
        "score": seqs + tabs + (f[:, ::1], float64[::1]),
        "fwd_bwd": seqs + (i64,) + tabs + (f[:, ::1], float64[::1], f[::1]),
        "mea": (i64, i64, i64, i64, float64[::1], f[::1], u8, f[:, ::1], int8[::1], i64,
                int32[::1], float64[::1]),
        "counts": seqs + (i64,) + tabs + (f[:, ::1], float64[::1], f[::1],
                                          float64[:, ::1]),
        "viterbi": seqs + (i64,) + tabs + (f[:, ::1], float64[::1], f[::1], int64, u8,
                                           int8[::1], i64, int32[::1], float64[::1],
                                           float64[::1]),
    }
