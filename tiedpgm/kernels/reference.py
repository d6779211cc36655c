"""Plain NumPy log-space HMM kernels: the oracle every fast backend is tested against.

All functions take arrays, never a model, and never validate. Shapes:
``log_startprob`` (K,), ``log_transmat`` (K, K), ``log_frameprob`` (N, K) with
the sequences concatenated along axis 0, ``offsets`` (S + 1,) int64 with
sequence ``s`` occupying rows ``offsets[s]:offsets[s + 1]``.
"""
import numpy as np


def _logsumexp(a, axis):
    """logsumexp that returns -inf (not NaN, no warning) for all -inf slices."""
    m = np.max(a, axis=axis, keepdims=True)
    m_safe = np.where(np.isfinite(m), m, 0.0)
    with np.errstate(divide="ignore"):
        out = np.log(np.sum(np.exp(a - m_safe), axis=axis, keepdims=True)) + m_safe
    return np.squeeze(out, axis=axis)


def forward_log(log_startprob, log_transmat, log_frameprob):
    """Return (log_prob, log_alpha), log_alpha of shape (T, K), for one sequence."""
    T, K = log_frameprob.shape
    log_alpha = np.empty((T, K))
    log_alpha[0] = log_startprob + log_frameprob[0]
    for t in range(1, T):
        log_alpha[t] = _logsumexp(log_alpha[t - 1][:, None] + log_transmat, axis=0) + log_frameprob[t]
    return float(_logsumexp(log_alpha[-1], axis=0)), log_alpha


def backward_log(log_transmat, log_frameprob):
    """Return log_beta of shape (T, K) for one sequence."""
    T, K = log_frameprob.shape
    log_beta = np.empty((T, K))
    log_beta[-1] = 0.0
    for t in range(T - 2, -1, -1):
        log_beta[t] = _logsumexp(log_transmat + (log_frameprob[t + 1] + log_beta[t + 1])[None, :], axis=1)
    return log_beta


def forward_backward_one(log_startprob, log_transmat, log_frameprob):
    """One sequence: (log_prob, posteriors (T, K), xi_sum (K, K))."""
    log_prob, log_alpha = forward_log(log_startprob, log_transmat, log_frameprob)
    log_beta = backward_log(log_transmat, log_frameprob)
    T, K = log_frameprob.shape
    if not np.isfinite(log_prob):
        return log_prob, np.full((T, K), np.nan), np.full((K, K), np.nan)
    log_gamma = log_alpha + log_beta
    posteriors = np.exp(log_gamma - _logsumexp(log_gamma, axis=1)[:, None])
    xi_sum = np.zeros((K, K))
    for t in range(T - 1):
        log_xi = (log_alpha[t][:, None] + log_transmat
                  + (log_frameprob[t + 1] + log_beta[t + 1])[None, :] - log_prob)
        xi_sum += np.exp(log_xi)
    return log_prob, posteriors, xi_sum


def forward_backward(log_startprob, log_transmat, log_frameprob, offsets):
    """All sequences.

    Returns
    -------
    log_prob : ndarray, shape (S,)
        Log-likelihood of each sequence.
    posteriors : ndarray, shape (N, K)
        P(state_t = k | sequence).
    xi_sum : ndarray, shape (K, K)
        Expected transition counts summed over all sequences and time steps.
    """
    N, K = log_frameprob.shape
    S = len(offsets) - 1
    log_prob = np.empty(S)
    posteriors = np.empty((N, K))
    xi_sum = np.zeros((K, K))
    for s in range(S):
        a, b = offsets[s], offsets[s + 1]
        log_prob[s], posteriors[a:b], xi = forward_backward_one(
            log_startprob, log_transmat, log_frameprob[a:b])
        xi_sum += xi
    return log_prob, posteriors, xi_sum


def score(log_startprob, log_transmat, log_frameprob, offsets):
    """Log-likelihood of each sequence, shape (S,)."""
    return np.array([
        forward_log(log_startprob, log_transmat, log_frameprob[offsets[s]:offsets[s + 1]])[0]
        for s in range(len(offsets) - 1)])


def viterbi_one(log_startprob, log_transmat, log_frameprob):
    """One sequence: (log_prob of the best path, states (T,) int64).

    Ties are broken towards the lowest state index (np.argmax)."""
    T, K = log_frameprob.shape
    delta = log_startprob + log_frameprob[0]
    back = np.zeros((T, K), dtype=np.int64)
    for t in range(1, T):
        cand = delta[:, None] + log_transmat
        back[t] = np.argmax(cand, axis=0)
        delta = cand[back[t], np.arange(K)] + log_frameprob[t]
    states = np.empty(T, dtype=np.int64)
    states[-1] = int(np.argmax(delta))
    for t in range(T - 1, 0, -1):
        states[t - 1] = back[t, states[t]]
    return float(delta[states[-1]]), states


def viterbi(log_startprob, log_transmat, log_frameprob, offsets):
    """All sequences: (log_prob (S,), states (N,) int64)."""
    S = len(offsets) - 1
    log_prob = np.empty(S)
    states = np.empty(log_frameprob.shape[0], dtype=np.int64)
    for s in range(S):
        a, b = offsets[s], offsets[s + 1]
        log_prob[s], states[a:b] = viterbi_one(log_startprob, log_transmat, log_frameprob[a:b])
    return log_prob, states
