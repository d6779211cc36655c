"""The Baum-Welch EM loop shared by HMMs and pair HMMs.

One loop: E-step (kernels) -> pooled statistics -> M-step -> convergence
monitor. Models plug in two callables; the loop knows nothing about what
they estimate.
"""
import sys
import warnings

import numpy as np


class ConvergenceMonitor:
    """Track the log-likelihood of EM iterations and decide when to stop.

    Parameters
    ----------
    tol : float
        Stop when the gain in log-likelihood between two iterations is below ``tol``.
    n_iter : int
        Maximum number of iterations.
    verbose : bool
        Print one line per iteration to stderr.

    Attributes
    ----------
    history : list of float
        Log-likelihood after each E-step (all of them, not only the last two).
    iter : int
        Number of iterations performed.
    converged : bool
    """

    def __init__(self, tol, n_iter, verbose=False):
        self.tol = tol
        self.n_iter = n_iter
        self.verbose = verbose
        self.history = []
        self.iter = 0
        self.converged = False

    def __repr__(self):
        return (f"ConvergenceMonitor(tol={self.tol}, n_iter={self.n_iter}, iter={self.iter}, "
                f"converged={self.converged})")

    def _reset(self):
        self.history = []
        self.iter = 0
        self.converged = False

    def report(self, log_prob):
        """Record one E-step's log-likelihood; warn if it fell by more than rounding."""
        if self.verbose:
            delta = f"  delta {log_prob - self.history[-1]:+.4g}" if self.history else ""
            print(f"iter {self.iter + 1:>4d}  log-likelihood {log_prob:.10g}{delta}",
                  file=sys.stderr, flush=True)
        if self.history:
            prev = self.history[-1]
            # rounding of a sum of many log-terms: relative 1e-9 of the magnitude
            slack = 1e-9 * max(1.0, abs(prev))
            if log_prob < prev - slack:
                warnings.warn(
                    f"log-likelihood decreased from {prev:.10g} to {log_prob:.10g} at "
                    f"iteration {self.iter + 1}; this signals a numerical problem "
                    "(e.g. a degenerate covariance); consider min_covar or priors.",
                    RuntimeWarning, stacklevel=3)
        self.history.append(float(log_prob))
        self.iter += 1


def run_em(e_step, m_step, monitor):
    """Alternate ``e_step() -> (log_prob, stats)`` and ``m_step(stats)`` until ``monitor`` stops.

    The final E-step's log-likelihood is that of the parameters *before* the last
    M-step (hmmlearn's convention); the M-step is still applied.

    Returns
    -------
    monitor
    """
    monitor._reset()
    while True:
        log_prob, stats = e_step()
        if not np.isfinite(log_prob):
            raise ValueError(
                f"the data have log-likelihood {log_prob} under the current parameters: some "
                "sequence is impossible (e.g. a structural zero forbids it); check the "
                "start/transition zeros or the initial parameters.")
        monitor.report(log_prob)
        m_step(stats)
        if len(monitor.history) >= 2 and monitor.history[-1] - monitor.history[-2] < monitor.tol:
            monitor.converged = True
            break
        if monitor.iter >= monitor.n_iter:
            break
    return monitor
