"""Pair-HMM dynamic programming in plain NumPy, log space: the oracle.

Every kernel takes arrays only (never a model) and trusts its inputs:

``x, y``          int arrays of symbol codes, shapes (n,), (m,) (either may be empty)
``log_trans``     (S, S) log transition matrix; state 0 is M, states 1..K are the
                  x-insert states X_k, states K+1..2K the y-insert states Y_k. The
                  begin state behaves as M (its out-transitions are row 0).
``log_end``       (S,) log probability of moving to the end state
``log_match``     (A, A) log p(a, b) of the match state
``log_ins_x``     (K, A) log emission of X_k;  ``log_ins_y`` (K, A) of Y_k

The matrices are generic (any (S, S) table is accepted), so this module checks the
specialised Numba kernels, which exploit the Durbin structure (no X<->Y moves).
Forward values ``f[s, i, j]`` are log P(x_1..i, y_1..j, state s emits the last
column); ``f[0, 0, 0] = 0`` is the begin state.
"""
import numpy as np

NEG_INF = -np.inf


def _lse(v):
    v = np.asarray(v, dtype=np.float64)
    mx = v.max()
    if mx == NEG_INF:
        return NEG_INF
    return mx + np.log(np.exp(v - mx).sum())


def _state_kinds(S):
    K = (S - 1) // 2
    return K, [0] + [1] * K + [2] * K   # 0 = M, 1 = X (consumes x), 2 = Y (consumes y)


def _emit(s, kind, K, i, j, x, y, log_match, log_ins_x, log_ins_y):
    """Log emission of state s at cell (i, j) (the column it emits ends there)."""
    if kind == 0:
        return log_match[x[i - 1], y[j - 1]]
    if kind == 1:
        return log_ins_x[s - 1, x[i - 1]]
    return log_ins_y[s - 1 - K, y[j - 1]]


def _prev(kind, i, j):
    if kind == 0:
        return i - 1, j - 1
    if kind == 1:
        return i - 1, j
    return i, j - 1


def forward(x, y, log_trans, log_end, log_match, log_ins_x, log_ins_y):
    """Return (log P(x, y), log_f of shape (S, n+1, m+1))."""
    n, m, S = len(x), len(y), log_trans.shape[0]
    K, kinds = _state_kinds(S)
    f = np.full((S, n + 1, m + 1), NEG_INF)
    f[0, 0, 0] = 0.0
    for i in range(n + 1):
        for j in range(m + 1):
            if i == 0 and j == 0:
                continue
            for s in range(S):
                pi, pj = _prev(kinds[s], i, j)
                if pi < 0 or pj < 0:
                    continue
                acc = _lse(f[:, pi, pj] + log_trans[:, s])
                f[s, i, j] = acc + _emit(s, kinds[s], K, i, j, x, y,
                                         log_match, log_ins_x, log_ins_y)
    return _lse(f[:, n, m] + log_end), f


def backward(x, y, log_trans, log_end, log_match, log_ins_x, log_ins_y):
    """Return (log P(x, y), log_b of shape (S, n+1, m+1)); the total uses the begin state."""
    n, m, S = len(x), len(y), log_trans.shape[0]
    K, kinds = _state_kinds(S)
    b = np.full((S, n + 1, m + 1), NEG_INF)
    b[:, n, m] = log_end
    for i in range(n, -1, -1):
        for j in range(m, -1, -1):
            if i == n and j == m:
                continue
            terms = []
            for t in range(S):
                ni, nj = (i + 1, j + 1) if kinds[t] == 0 else ((i + 1, j) if kinds[t] == 1
                                                               else (i, j + 1))
                if ni > n or nj > m:
                    continue
                terms.append((t, ni, nj, _emit(t, kinds[t], K, ni, nj, x, y,
                                                log_match, log_ins_x, log_ins_y)))
            for s in range(S):
                vals = [log_trans[s, t] + e + b[t, ni, nj] for t, ni, nj, e in terms]
                b[s, i, j] = _lse(vals) if vals else NEG_INF
    return b[0, 0, 0], b


def posterior(x, y, log_trans, log_end, log_match, log_ins_x, log_ins_y):
    """Return (log P, post (S, n+1, m+1)): P(state s emits the column ending at (i, j) | x, y).

    ``post[0, 1:, 1:]`` is the (n, m) match posterior P(x_i aligned to y_j).
    """
    logp, f = forward(x, y, log_trans, log_end, log_match, log_ins_x, log_ins_y)
    _, b = backward(x, y, log_trans, log_end, log_match, log_ins_x, log_ins_y)
    with np.errstate(invalid="ignore"):
        post = np.exp(f + b - logp)
    post[~np.isfinite(post)] = 0.0
    post[:, 0, 0] = 0.0   # the begin state emits nothing
    return logp, post


def expected_counts(x, y, log_trans, log_end, log_match, log_ins_x, log_ins_y):
    """Expected sufficient statistics of one pair.

    Returns
    -------
    log_prob : float
    trans : (S, S) expected transition counts (the begin state counts as M)
    end : (S,) expected counts of the transition to the end state
    match : (A, A) expected match emissions
    ins_x, ins_y : (K, A) expected insert emissions
    """
    n, m, S = len(x), len(y), log_trans.shape[0]
    K, kinds = _state_kinds(S)
    A = log_match.shape[0]
    logp, f = forward(x, y, log_trans, log_end, log_match, log_ins_x, log_ins_y)
    _, b = backward(x, y, log_trans, log_end, log_match, log_ins_x, log_ins_y)
    trans = np.zeros((S, S))
    for i in range(n + 1):
        for j in range(m + 1):
            for t in range(S):
                ni, nj = (i + 1, j + 1) if kinds[t] == 0 else ((i + 1, j) if kinds[t] == 1
                                                               else (i, j + 1))
                if ni > n or nj > m:
                    continue
                e = _emit(t, kinds[t], K, ni, nj, x, y, log_match, log_ins_x, log_ins_y)
                with np.errstate(invalid="ignore"):
                    v = np.exp(f[:, i, j] + log_trans[:, t] + e + b[t, ni, nj] - logp)
                trans[:, t] += np.nan_to_num(v)
    with np.errstate(invalid="ignore"):
        end = np.nan_to_num(np.exp(f[:, n, m] + log_end - logp))
    post = np.nan_to_num(np.exp(f + b - logp)) if np.isfinite(logp) else np.zeros_like(f)
    post[:, 0, 0] = 0.0
    match = np.zeros((A, A))
    ins_x = np.zeros((K, A))
    ins_y = np.zeros((K, A))
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            match[x[i - 1], y[j - 1]] += post[0, i, j]
    for k in range(K):
        for i in range(1, n + 1):
            ins_x[k, x[i - 1]] += post[1 + k, i, :].sum()
        for j in range(1, m + 1):
            ins_y[k, y[j - 1]] += post[1 + K + k, :, j].sum()
    return logp, trans, end, match, ins_x, ins_y


def viterbi(x, y, log_trans, log_end, log_match, log_ins_x, log_ins_y):
    """Return (log P(best path), states (L,) int array).

    Ties between predecessors go to the lowest state index (M before X before Y).
    """
    n, m, S = len(x), len(y), log_trans.shape[0]
    K, kinds = _state_kinds(S)
    v = np.full((S, n + 1, m + 1), NEG_INF)
    ptr = np.zeros((S, n + 1, m + 1), dtype=np.int64)
    v[0, 0, 0] = 0.0
    for i in range(n + 1):
        for j in range(m + 1):
            if i == 0 and j == 0:
                continue
            for s in range(S):
                pi, pj = _prev(kinds[s], i, j)
                if pi < 0 or pj < 0:
                    continue
                cand = v[:, pi, pj] + log_trans[:, s]
                best = int(np.argmax(cand))
                ptr[s, i, j] = best
                v[s, i, j] = cand[best] + _emit(s, kinds[s], K, i, j, x, y,
                                                log_match, log_ins_x, log_ins_y)
    final = v[:, n, m] + log_end
    s = int(np.argmax(final))
    logp = float(final[s])
    states = []
    i, j = n, m
    while i > 0 or j > 0:
        states.append(s)
        prev_s = ptr[s, i, j]
        i, j = _prev(kinds[s], i, j)
        s = prev_s
    return logp, np.array(states[::-1], dtype=np.int64)


def path_log_prob(x, y, states, log_trans, log_end, log_match, log_ins_x, log_ins_y):
    """Log joint probability of x, y and one state path (begin -> states -> end)."""
    S = log_trans.shape[0]
    K, kinds = _state_kinds(S)
    lp, prev, i, j = 0.0, 0, 0, 0
    for s in states:
        s = int(s)
        if kinds[s] == 0:
            i, j = i + 1, j + 1
        elif kinds[s] == 1:
            i += 1
        else:
            j += 1
        lp += log_trans[prev, s] + _emit(s, kinds[s], K, i, j, x, y,
                                         log_match, log_ins_x, log_ins_y)
        prev = s
    return lp + log_end[prev]


def mea(match_post):
    """Maximum expected accuracy alignment of an (n, m) match-posterior matrix.

    Maximises the sum of the posteriors of the aligned pairs (gaps score 0), as in
    ProbCons. Ties prefer a match, then an x-gap ('I'), then a y-gap ('D'), scanning
    back from (n, m). Returns (score, ops) with ops a str of 'M', 'I', 'D'.
    """
    n, m = match_post.shape
    a = np.zeros((n + 1, m + 1))
    for i in range(n + 1):
        for j in range(m + 1):
            if i == 0 and j == 0:
                continue
            best = -1.0
            if i > 0 and j > 0:
                best = a[i - 1, j - 1] + match_post[i - 1, j - 1]
            if i > 0:
                best = max(best, a[i - 1, j])
            if j > 0:
                best = max(best, a[i, j - 1])
            a[i, j] = best
    ops = []
    i, j = n, m
    while i > 0 or j > 0:
        if i > 0 and j > 0 and a[i, j] == a[i - 1, j - 1] + match_post[i - 1, j - 1]:
            ops.append("M")
            i, j = i - 1, j - 1
        elif i > 0 and a[i, j] == a[i - 1, j]:
            ops.append("I")
            i -= 1
        else:
            ops.append("D")
            j -= 1
    return float(a[n, m]), "".join(ops[::-1])
