"""Tied vs untied Gaussian HMMs on the bundled TIDIGITS MFCC frames.

Twelve states in four tie groups share four emission distributions (think: four
acoustic units, each with three states that differ only in their transitions).
We train on 25 utterances and compare held-out log-likelihood per frame and BIC on
the other 6 with an untied 12-state and an untied 4-state model.

Run: python examples/tidigits_tied_hmm.py
"""
import tiedpgm as tp
from tiedpgm.datasets import load_tidigits

train, test = load_tidigits().train_test_split(n_test=6)

models = {
    "untied, 4 states": tp.GaussianHMM(4, covariance_type="diag"),
    "untied, 12 states": tp.GaussianHMM(12, covariance_type="diag"),
    "tied, 12 states in 4 groups": tp.GaussianHMM(
        12, covariance_type="diag", tie_groups=[0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3]),
}

print(f"{'model':<30}{'params':>8}{'test ll/frame':>15}{'test BIC':>12}")
for name, model in models.items():
    model.set_params(n_iter=50, tol=1e-3, random_state=0)
    model.fit(train.X, train.lengths)
    ll = model.score(test.X, test.lengths) / len(test.X)
    print(f"{name:<30}{model.n_parameters():>8}{ll:>15.4f}"
          f"{model.bic(test.X, test.lengths):>12.1f}")

tied = models["tied, 12 states in 4 groups"]
print("group means shape:", tied.group_means_.shape, "per-state means shape:", tied.means_.shape)
