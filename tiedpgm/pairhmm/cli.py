"""``tiedpgm align`` and ``tiedpgm train-pairhmm``.

::

    tiedpgm align seqs.fasta                      # all-vs-all pairs within one file
    tiedpgm align queries.fasta targets.fasta     # every query vs every target
    tiedpgm align seqs.fasta --preset dna --method viterbi --format cigar -o out.tsv
    tiedpgm train-pairhmm pairs.fasta -o params.json   # records 1+2, 3+4, ... are pairs
"""
import itertools
import sys

METHODS = ("mea", "viterbi")
FORMATS = ("tsv", "fasta", "cigar")
PRESETS = ("protein", "dna")


def register(subparsers):
    from ..cli import add_common_options
    p = subparsers.add_parser(
        "align", help="align sequence pairs with a pair HMM",
        description="Align all pairs within one FASTA file, or every record of the first "
                    "file against every record of the second, with a symmetric pair HMM.")
    p.add_argument("fasta", help="FASTA file")
    p.add_argument("other", nargs="?", default=None,
                   help="second FASTA file (one-vs-many: first file's records vs these)")
    p.add_argument("--preset", default="protein", help="parameter preset: protein or dna "
                   "(default: protein)")
    p.add_argument("--params", default=None, help="parameter JSON written by train-pairhmm "
                   "or PairHMM.save (overrides --preset)")
    p.add_argument("--method", default="mea", help="mea (default) or viterbi")
    p.add_argument("--format", default="tsv", help="tsv (default), fasta or cigar")
    p.add_argument("--wildcard", default=None,
                   help="letters read as an unknown residue, e.g. NX (default: the preset's)")
    add_common_options(p)
    p.set_defaults(func=_align)

    t = subparsers.add_parser(
        "train-pairhmm", help="fit pair-HMM parameters by Baum-Welch on unaligned pairs",
        description="Baum-Welch EM on sequence pairs; consecutive FASTA records form a pair.")
    t.add_argument("fasta", help="FASTA file; records 1+2, 3+4, ... are the pairs")
    t.add_argument("--preset", default="protein", help="initial parameters (default: protein)")
    t.add_argument("--params", default=None, help="initial parameter JSON (overrides --preset)")
    t.add_argument("--n-iter", type=int, default=50, help="maximum EM iterations (default 50)")
    t.add_argument("--tol", type=float, default=1e-3, help="convergence tolerance (default 1e-3)")
    t.add_argument("--learn-tau", action="store_true", help="also re-estimate tau")
    add_common_options(t)
    t.set_defaults(func=_train)


def _model(args):
    from .model import PairHMM
    kw = {"backend": args.backend}  # cupy: checked (with a clear error) when first used
    if getattr(args, "wildcard", None):
        kw["wildcard"] = args.wildcard
    if args.params:
        return PairHMM.load(args.params, **kw)
    if args.preset not in PRESETS:
        raise ValueError(f"unknown preset {args.preset!r}; choose one of {', '.join(PRESETS)}.")
    return PairHMM.from_preset(args.preset, **kw)


def _open_out(path):
    return sys.stdout if path in (None, "-") else open(path, "w")


def _align(args):
    from .io import read_fasta
    if args.method not in METHODS:
        raise ValueError(f"unknown --method {args.method!r}; choose one of {', '.join(METHODS)}.")
    if args.format not in FORMATS:
        raise ValueError(f"unknown --format {args.format!r}; choose one of {', '.join(FORMATS)}.")
    model = _model(args)
    first = read_fasta(args.fasta)
    if args.other is None:
        if len(first) < 2:
            raise ValueError(f"{args.fasta} has {len(first)} record; all-vs-all needs at least "
                             "2 (or give a second FASTA file).")
        pairs = list(itertools.combinations(first, 2))
    else:
        second = read_fasta(args.other)
        pairs = [(a, b) for a in first for b in second]
    df = model.align_many(pairs, method=args.method,
                          progress=False if args.quiet else None)
    out = _open_out(args.output)
    try:
        if args.format == "tsv":
            df.to_csv(out, sep="\t", index=False, float_format="%.6g")
        elif args.format == "cigar":
            for r in df.itertuples():
                out.write(f"{r.id_x}\t{r.id_y}\t{r.cigar}\n")
        else:
            for k, r in enumerate(df.itertuples()):
                if k:
                    out.write("\n")
                out.write(f">{r.id_x} vs={r.id_y} expected_accuracy={r.expected_accuracy:.4f}\n"
                          f"{r.aligned_x}\n>{r.id_y} vs={r.id_x}\n{r.aligned_y}\n")
    finally:
        if out is not sys.stdout:
            out.close()
    return 0


def _train(args):
    from .io import read_fasta
    recs = read_fasta(args.fasta)
    if len(recs) % 2:
        raise ValueError(f"{args.fasta} has {len(recs)} records; pairs are consecutive records, "
                         "so the count must be even.")
    if args.n_iter < 1:
        raise ValueError(f"--n-iter must be >= 1; got {args.n_iter}.")
    model = _model(args)
    pairs = [(recs[k], recs[k + 1]) for k in range(0, len(recs), 2)]
    model.fit(pairs, n_iter=args.n_iter, tol=args.tol, learn_tau=args.learn_tau,
              verbose=not args.quiet, progress=False)
    import json
    d = model.to_dict()
    d["training"] = {"pairs": len(pairs), "file": args.fasta, "iterations": model.monitor_.iter,
                     "log_likelihood": model.monitor_.history[-1],
                     "converged": model.monitor_.converged}
    out = _open_out(args.output)
    try:
        json.dump(d, out, indent=1)
        out.write("\n")
    finally:
        if out is not sys.stdout:
            out.close()
    if not args.quiet:
        print(f"trained on {len(pairs)} pairs: {model!r}", file=sys.stderr)
    return 0
