"""Sample efficiency of tied local factors (convolution) on real images.

Inputs are grey-scale crops of the two photographs bundled with scikit-learn
(``china.jpg`` for training, ``flower.jpg`` for held-out testing; no download).
Responses are a known 3x3 filter plus bias plus Gaussian noise. We fit

* tied (``tying="shared"``): one 3x3 filter + bias, learned from every location,
* untied (``tying="none"``): a locally connected layer, 10 parameters per location,
* soft-tied (``soft_strength=kappa``, kappa = 1e2 and 1e4): location-wise weights
  pulled to a shared filter,

and report the held-out excess error ``mean((y_hat - f(x))^2) / sigma^2`` (error
of the predicted mean against the noise-free response, in units of the noise
variance) as the number of training images grows. Theory for least squares
with p = 10 parameters: tied ~ p / (N H' W'), untied ~ p / (N - p - 1), so the
tied estimator should need about H' W' times fewer images for the same error.

Usage::

    python examples/conv_factors.py [--output report/] [--quick]
"""
import argparse
import os
import sys
import time

import numpy as np

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir))
import tiedpgm as tp  # noqa: E402

CROP = 20              # crop side; a 3x3 kernel gives 18 x 18 = 324 output locations
KERNEL = np.array([[0.0, -1.0, 0.5],
                   [1.0, 2.0, -1.0],
                   [0.5, -1.0, 0.0]])
BIAS = 0.1
SIGMA = 0.05


def load_images():
    from sklearn.datasets import load_sample_image
    grey = [load_sample_image(name).astype(float).mean(axis=2) / 255.0
            for name in ("china.jpg", "flower.jpg")]
    return grey[0], grey[1]


def crops(image, n, rng):
    H, W = image.shape
    i = rng.integers(0, H - CROP + 1, size=n)
    j = rng.integers(0, W - CROP + 1, size=n)
    return np.stack([image[a:a + CROP, b:b + CROP] for a, b in zip(i, j)])


def _correlate(X):
    """Noise-free response f(x): valid correlation with KERNEL plus BIAS."""
    out = np.zeros((X.shape[0], CROP - 2, CROP - 2))
    for a in range(3):
        for b in range(3):
            out += KERNEL[a, b] * X[:, a:a + CROP - 2, b:b + CROP - 2]
    return out + BIAS


def run(quick, output):
    t0 = time.perf_counter()
    train_img, test_img = load_images()
    rng = np.random.default_rng(0)
    if quick:
        n_tied = [1, 3, 10, 30]
        n_untied = [15, 30, 60]
        repeats = 1
        n_test = 50
    else:
        n_tied = [1, 2, 3, 4, 5, 6, 8, 10, 20, 50, 100, 300, 1000]
        n_untied = [12, 15, 20, 30, 50, 100, 200, 500, 1000, 2000]
        repeats = 5
        n_test = 300
    kappas = (100.0, 1e4)
    n_max = max(n_tied + n_untied)
    X_test = crops(test_img, n_test, rng)
    F_test = _correlate(X_test)
    L = (CROP - 2) ** 2
    estimators = {
        "tied": lambda: tp.ConvFactorModel((3, 3)),
        "untied": lambda: tp.ConvFactorModel((3, 3), tying="none"),
    }
    for kappa in kappas:
        estimators[f"soft {kappa:g}"] = (
            lambda kappa=kappa: tp.ConvFactorModel((3, 3), soft_strength=kappa))
    sizes = {name: sorted(set(n_tied + n_untied)) for name in estimators}
    sizes["tied"], sizes["untied"] = n_tied, n_untied
    errors = {name: np.zeros((repeats, len(sizes[name]))) for name in estimators}
    for r in range(repeats):
        X = crops(train_img, n_max, rng)
        Y = _correlate(X) + SIGMA * rng.normal(size=(n_max, CROP - 2, CROP - 2))
        for name, make in estimators.items():
            for k, n in enumerate(sizes[name]):
                model = make().fit(X[:n], Y[:n])
                errors[name][r, k] = np.mean((model.predict(X_test) - F_test) ** 2) / SIGMA ** 2
    mean_err = {name: e.mean(axis=0) for name, e in errors.items()}

    # images the tied estimator needs for the error an untied fit reaches: past a few
    # images the tied error follows c / N, so N_tied(e) = c / e with c the median of N * error
    # over N >= 10 (a single crop can be nearly flat, which makes tiny N erratic)
    big = np.array(n_tied) >= min(10, max(n_tied))
    c_tied = float(np.median((mean_err["tied"] * np.array(n_tied))[big]))
    lines = []
    lines.append(f"real images: crops {CROP}x{CROP} of sklearn's china.jpg (train) / "
                 f"flower.jpg (test); 3x3 filter, sigma={SIGMA}, H'W'={L}, "
                 f"{repeats} repeat(s), {n_test} test images")
    lines.append("held-out excess error mean((y_hat - f)^2)/sigma^2")
    lines.append("soft k = soft tying with soft_strength kappa = k (squared-error units)")
    lines.append(f"{'N images':>9} | " + " | ".join(f"{name:>10}" for name in estimators)
                 + f" | {'theory tied':>11} | {'theory untied':>13}")
    all_n = sorted(set(n_tied + n_untied))
    for n in all_n:
        def get(name):
            return (f"{mean_err[name][sizes[name].index(n)]:10.3g}" if n in sizes[name]
                    else f"{'-':>10}")
        th_u = f"{10 / (n - 11):13.3g}" if n > 11 else f"{'-':>13}"
        lines.append(f"{n:9d} | " + " | ".join(get(name) for name in estimators)
                     + f" | {10 / (n * L):11.3g} | {th_u}")
    lines.append(f"tied error ~ c/N with c = {c_tied:.3g} (theory p/(H'W') = {10 / L:.3g})")
    lines.append("images needed for the same error, untied / tied (theory ~ H'W' = "
                 f"{L} for large N):")
    lines.append("  (a) interpolating the measured tied curve (log-log); (b) tied error = c/N")
    ratios = []
    # measured tied curve made monotone, interpolated in log N vs log error
    tied_err = np.minimum.accumulate(mean_err["tied"])
    log_n, log_e = np.log(np.array(n_tied, float)), np.log(tied_err)
    for n, e in zip(n_untied, mean_err["untied"]):
        if tied_err[-1] <= e <= tied_err[0]:
            n_interp = float(np.exp(np.interp(np.log(e), log_e[::-1], log_n[::-1])))
            a = f"tied needs {n_interp:7.3g} images, ratio {n / n_interp:7.1f}"
            ratios.append(n / n_interp)
        else:
            a = "outside the measured tied curve"
            ratios.append(np.nan)
        lines.append(f"  untied N={n:5d} error {e:9.3g}: (a) {a}; "
                     f"(b) ratio {n / (c_tied / e):7.1f}")
    last = ratios[-1]
    lines.append(
        f"observed: at the largest untied size (N={n_untied[-1]}) the tied estimator reaches "
        f"the same held-out error with {last:.0f}x fewer images by interpolation "
        f"({n_untied[-1] / (c_tied / mean_err['untied'][-1]):.0f}x by the c/N fit) vs "
        f"H'W' = {L}; for small untied N the ratio is far from H'W' (the untied error "
        "blows up near N = p + 1, and the tied curve cannot go below one image).")
    text = "\n".join(lines)
    print(text)

    os.makedirs(output, exist_ok=True)
    fig, ax = plt.subplots(figsize=(6.5, 4.5))
    for name, marker in zip(estimators, "osd^"):
        ax.loglog(sizes[name], mean_err[name], marker=marker, label=name)
    grid = np.array(all_n, dtype=float)
    ax.loglog(grid, 10 / (grid * L), "k:", lw=1, label="theory tied p/(N H'W')")
    g = grid[grid > 11]
    ax.loglog(g, 10 / (g - 11), "k--", lw=1, label="theory untied p/(N-p-1)")
    ax.set_xlabel("training images N")
    ax.set_ylabel("held-out excess error / sigma^2")
    ax.set_title(f"3x3 filter on real image crops ({CROP}x{CROP}, H'W'={L})")
    ax.legend(fontsize=8)
    fig.tight_layout()
    png = os.path.join(output, "conv_factors_sample_efficiency.png")
    fig.savefig(png, dpi=110)
    plt.close(fig)
    with open(os.path.join(output, "conv_factors_sample_efficiency.txt"), "w") as fh:
        fh.write(text + "\n")
    print(f"wrote {png} ({time.perf_counter() - t0:.1f} s)")
    return mean_err, ratios


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", default="report", help="folder for the plot and table")
    parser.add_argument("--quick", action="store_true", help="small grid for smoke tests")
    args = parser.parse_args(argv)
    run(args.quick, args.output)


if __name__ == "__main__":
    main()
