"""Partial pooling of per-patient seizure rates (epilepsy trial, Thall & Vail 1990).

Data: the ``epil`` table bundled with tiedpgm (``tiedpgm.datasets.load_epil``; the same data
as R's ``MASS::epil``): 59 patients, seizure counts in 4 two-week periods. We model
``log(1 + count)`` per period with a patient-level mean and ask how well a patient's
mean, estimated from only 1-3 of their periods, predicts their held-out periods.

* complete pooling: every patient gets the grand mean (prior_var = 0),
* no pooling: every patient gets their own training mean (prior_var = inf),
* partial pooling: ``tiedpgm.sharing.random_intercept_eb`` shrinks each patient's mean
  towards the grand mean, by a variance chosen from the training data (empirical
  Bayes, REML), so small patients are shrunk most.

Held-out mean squared error is averaged over random train/test splits. The script
prints a table and saves ``shrinkage.png`` (estimates vs group size) and
``heldout_vs_prior_var.png`` (held-out error over a grid of prior variances) to
``--output`` (default ``report/``).

Run:  python examples/partial_pooling.py --output report/
"""
import argparse
import os
import time

import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

import tiedpgm as tp  # noqa: E402


def load_epil():
    """Long table (subject, period, y = log1p(seizures)) of the bundled epil data."""
    from tiedpgm.datasets import load_epil as _load
    df = _load()
    df["subject"] = "patient_" + df["subject"].astype(str).str.zfill(2)
    df["y"] = np.log1p(df["y"].astype(float))
    return df[["subject", "period", "y"]]


def split(df, rng):
    """Each patient keeps 1, 2 or 3 random periods for training; the rest are held out."""
    train = np.zeros(len(df), dtype=bool)
    for _, idx in df.groupby("subject").indices.items():
        k = rng.integers(1, 4)
        train[rng.choice(idx, size=k, replace=False)] = True
    return df[train], df[~train]


def pooling_limits(fit):
    """(complete pooling, no pooling) estimates: the prior_var = 0 and inf limits."""
    complete = pd.Series(fit.mean, index=fit.group_means.index)
    return complete, fit.group_means


def heldout_mse(estimates, test):
    pred = estimates.reindex(test["subject"]).to_numpy()
    return float(np.mean((test["y"].to_numpy() - pred) ** 2))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--output", default="report/", help="folder for the PNG files")
    parser.add_argument("--n-splits", type=int, default=60, help="random train/test splits")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    os.makedirs(args.output, exist_ok=True)
    t0 = time.perf_counter()

    df = load_epil()
    rng = np.random.default_rng(args.seed)
    grid = np.geomspace(1e-3, 1e2, 26)
    rows, curves, first = [], [], None
    for s in range(args.n_splits):
        train, test = split(df, rng)
        fit = tp.sharing.random_intercept_eb(train["y"], train["subject"], reml=True)
        if first is None:
            first = fit
        complete, own = pooling_limits(fit)
        rows.append({
            "complete pooling": heldout_mse(complete, test),
            "no pooling": heldout_mse(own, test),
            "partial pooling (EB)": heldout_mse(fit.estimates, test),
            "prior_var_hat": fit.prior_var,
            "noise_var_hat": fit.noise_var,
        })
        # curve: fixed prior_var, grand mean and noise variance re-fitted given it
        curve = []
        for v in grid:
            fv = tp.sharing.random_intercept_eb(train["y"], train["subject"], prior_var=v)
            curve.append(heldout_mse(fv.estimates, test))
        curves.append(curve)
    res = pd.DataFrame(rows)
    curves = np.array(curves)

    methods = ["complete pooling", "no pooling", "partial pooling (EB)"]
    table = pd.DataFrame({
        "heldout_mse": res[methods].mean(),
        "std_error": res[methods].std(ddof=1) / np.sqrt(len(res)) if len(res) > 1 else np.nan,
        "wins_vs_partial": [(res[m] < res["partial pooling (EB)"]).mean() for m in methods],
    })
    print(f"epil (statsmodels): {df['subject'].nunique()} patients x 4 periods, "
          f"1-3 training periods each, {args.n_splits} random splits")
    print(table.to_string(float_format=lambda v: f"{v:.4f}"))
    print(f"EB prior_var (between-patient): median {res['prior_var_hat'].median():.3f}; "
          f"noise_var: median {res['noise_var_hat'].median():.3f}")
    best = grid[int(np.argmin(curves.mean(0)))]
    print(f"best fixed prior_var on the grid (oracle, uses test data): {best:.3f}, "
          f"held-out mse {curves.mean(0).min():.4f}")

    # --- plot 1: shrinkage vs group size (first split)
    fig, axes = plt.subplots(1, 2, figsize=(10, 4))
    n = first.group_sizes.to_numpy()
    jit = n + np.random.default_rng(1).uniform(-0.15, 0.15, len(n))
    ax = axes[0]
    ax.scatter(jit, first.group_means, s=14, c="tab:gray", label="no pooling (own mean)")
    ax.scatter(jit, first.estimates, s=14, c="tab:blue", label="partial pooling (EB)")
    for xj, a, b in zip(jit, first.group_means, first.estimates):
        ax.plot([xj, xj], [a, b], c="tab:blue", lw=0.5, alpha=0.5)
    ax.axhline(first.mean, c="tab:red", ls="--", label="complete pooling (grand mean)")
    ax.set_xlabel("training periods per patient")
    ax.set_ylabel("estimated mean log(1 + seizures)")
    ax.set_xticks([1, 2, 3])
    ax.legend(fontsize=8)
    ax = axes[1]
    ax.scatter(jit, first.shrinkage, s=14)
    nn = np.linspace(0.8, 3.2, 50)
    ax.plot(nn, nn * first.prior_var / (nn * first.prior_var + first.noise_var), c="k", lw=1)
    ax.set_xlabel("training periods per patient")
    ax.set_ylabel("weight on own mean, n tau^2 / (n tau^2 + s^2)")
    ax.set_ylim(0, 1)
    fig.suptitle("Shrinkage towards the grand mean (epil, one split)")
    fig.tight_layout()
    fig.savefig(os.path.join(args.output, "shrinkage.png"), dpi=120)
    plt.close(fig)

    # --- plot 2: held-out error over prior_var
    fig, ax = plt.subplots(figsize=(6, 4))
    ax.semilogx(grid, curves.mean(0), c="tab:blue", label="partial pooling, fixed prior_var")
    ax.axhline(table.loc["no pooling", "heldout_mse"], c="tab:gray", ls=":",
               label="no pooling (prior_var = inf)")
    ax.axhline(table.loc["complete pooling", "heldout_mse"], c="tab:red", ls="--",
               label="complete pooling (prior_var = 0)")
    ax.axhline(table.loc["partial pooling (EB)", "heldout_mse"], c="tab:green", ls="-.",
               label="partial pooling, EB prior_var")
    ax.axvline(res["prior_var_hat"].median(), c="tab:green", lw=0.8)
    ax.set_xlabel("prior_var (between-patient variance tau^2)")
    ax.set_ylabel("held-out mean squared error")
    ax.set_title(f"Held-out error over prior_var ({args.n_splits} splits)")
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(os.path.join(args.output, "heldout_vs_prior_var.png"), dpi=120)
    plt.close(fig)
    print(f"wrote shrinkage.png and heldout_vs_prior_var.png to {args.output} "
          f"in {time.perf_counter() - t0:.1f} s")
    return table


if __name__ == "__main__":
    main()
