"""``tiedpgm hmm fit|score|decode``: tied HMMs from the command line.

::

    tiedpgm hmm fit tidigits --model gaussian -k 6 --tie-groups 0,0,1,1,2,2 -o model.json
    tiedpgm hmm fit X.npy --lengths 100,250,80 --model gaussian --n-components 4 -o model.json
    tiedpgm hmm score model.json X.csv --lengths lengths.txt --per-sequence
    tiedpgm hmm decode model.json data.npz --algorithm map --format tsv -o states.tsv

DATA is a NumPy ``.npy`` file (a 2-D array, rows = frames; a 1-D array is one column),
an ``.npz`` archive (array ``X`` and optionally ``lengths``), a CSV file (rows = frames,
comma-separated numbers, an optional header line; ``.tsv``/``.txt`` are split on tabs or
whitespace), ``-`` for CSV on standard input, or the literal ``tidigits`` for the bundled
TIDIGITS MFCC frames (:func:`tiedpgm.datasets.load_tidigits`).

Model files
-----------
``-o model.json`` (or ``--format json``) writes the model as one JSON document: the
metadata of the ``.npz`` format of :mod:`tiedpgm.io` plus an ``"arrays"`` object whose
entries are ``{"dtype", "shape", "data"}`` with ``data`` as nested lists. Floats are
written with ``repr`` precision (non-finite ones as the strings ``"nan"``, ``"inf"``,
``"-inf"``), so :func:`load_model_json` gives back exactly the saved model. ``-o
model.npz`` (or ``--format npz``) writes :meth:`model.save`'s binary format instead;
``score`` and ``decode`` read either.
"""
import inspect
import io as _io
import json
import math
import os
import re
import sys
import tempfile
import time

import numpy as np

#: --model name -> estimator class name in tiedpgm.hmm (classes missing from this
#: version of tiedpgm give a clear error rather than disappearing from the list)
MODEL_CLASSES = {
    "gaussian": "GaussianHMM",
    "categorical": "CategoricalHMM",
    "poisson": "PoissonHMM",
    "gmm": "GMMHMM",
    "tied-mixture": "TiedMixtureHMM",
}
ALGORITHMS = ("viterbi", "map")
SCORE_FORMATS = ("tsv", "json")
DECODE_FORMATS = ("states", "tsv", "json")
MODEL_FORMATS = ("json", "npz")
JSON_FORMAT = "tiedpgm.model+json"

_FIT_EPILOG = """\
examples:
  # 6-state Gaussian HMM on the bundled TIDIGITS frames, states tied in pairs
  tiedpgm hmm fit tidigits --model gaussian --n-components 6 \\
      --tie-groups 0,0,1,1,2,2 --n-iter 50 -o model.json
  # frames in a .npy file, three sequences of 100, 250 and 80 frames
  tiedpgm hmm fit X.npy --lengths 100,250,80 --n-components 4 -o model.json
  # integer symbols in a CSV column, lengths one per line in a file
  tiedpgm hmm fit symbols.csv --lengths lengths.txt --model categorical \\
      --n-components 3 -o model.npz

DATA: .npy (2-D array), .npz (arrays X and optional lengths), CSV (rows = frames),
'-' (CSV on stdin) or 'tidigits' (bundled data). The model is written as JSON unless
-o ends in .npz or --format npz is given; '-o -' (default) writes JSON to stdout.
"""

_SCORE_EPILOG = """\
examples:
  tiedpgm hmm score model.json tidigits                  # total log-likelihood
  tiedpgm hmm score model.json X.npy --lengths 100,250,80 --per-sequence
  tiedpgm hmm score model.json data.npz --format json -o scores.json

Output: the total log-likelihood as one number; with --per-sequence a TSV table
(sequence, length, log_likelihood); --format json gives an object with both.
"""

_DECODE_EPILOG = """\
examples:
  tiedpgm hmm decode model.json tidigits > states.txt    # one state per line
  tiedpgm hmm decode model.json X.csv --lengths 40,60 --format tsv -o states.tsv
  tiedpgm hmm decode model.json data.npz --algorithm map --format json

Output formats: states (one state per line, all sequences concatenated), tsv
(sequence, position, state) or json ({"algorithm", "log_prob", "sequences": [...]}).
"""


# ---------------------------------------------------------------------------- registration
def register(subparsers):
    """Add ``hmm fit|score|decode`` to the ``tiedpgm`` parser."""
    import argparse

    from .cli import add_common_options

    raw = argparse.RawDescriptionHelpFormatter
    hmm = subparsers.add_parser(
        "hmm", help="fit, score and decode tied hidden Markov models",
        description="Hidden Markov models whose states share emission parameters "
                    "(tie groups): Baum-Welch fitting, scoring and decoding.",
        formatter_class=raw,
        epilog="examples:\n"
               "  tiedpgm hmm fit tidigits --n-components 6 --tie-groups 0,0,1,1,2,2 "
               "-o model.json\n"
               "  tiedpgm hmm score model.json tidigits --per-sequence\n"
               "  tiedpgm hmm decode model.json tidigits --format tsv -o states.tsv\n\n"
               "Run 'tiedpgm hmm COMMAND --help' for the options of each command.")
    sub = hmm.add_subparsers(dest="hmm_command", metavar="COMMAND")
    hmm.set_defaults(func=lambda args: _no_subcommand(hmm))

    f = sub.add_parser("fit", help="fit an HMM by Baum-Welch EM and write the model",
                       description="Fit a (tied) HMM by Baum-Welch EM and write the model.",
                       formatter_class=raw, epilog=_FIT_EPILOG)
    f.add_argument("data", metavar="DATA", help="training frames (see below)")
    _add_lengths(f)
    f.add_argument("--model", default="gaussian",
                   help="emission family: gaussian (default), categorical, poisson, gmm or "
                        "tied-mixture")
    f.add_argument("-k", "--n-components", type=int, required=True,
                   help="number of hidden states")
    f.add_argument("--covariance-type", default=None,
                   help="gaussian/gmm: spherical, diag (default), full or tied")
    f.add_argument("--tie-groups", default=None,
                   help="emission group of each state as a comma list, e.g. 0,0,1,1 "
                        "(default: untied, every state its own group)")
    f.add_argument("--n-mix", type=int, default=None,
                   help="gmm/tied-mixture: mixture components per state (default: the "
                        "class default)")
    f.add_argument("--n-features", type=int, default=None,
                   help="categorical: number of symbols (default: max symbol + 1)")
    f.add_argument("--n-iter", type=int, default=100, help="maximum EM iterations (default 100)")
    f.add_argument("--tol", type=float, default=1e-2,
                   help="stop when an iteration gains less log-likelihood (default 1e-2)")
    f.add_argument("--format", default=None,
                   help="model file format: json or npz (default: from -o's extension, "
                        "json otherwise)")
    add_common_options(f)
    f.set_defaults(func=_fit)

    s = sub.add_parser("score", help="log-likelihood of data under a fitted model",
                       description="Log-likelihood of DATA under a fitted model "
                                   "(forward algorithm, summed over sequences).",
                       formatter_class=raw, epilog=_SCORE_EPILOG)
    s.add_argument("model", metavar="MODEL", help="model file written by 'tiedpgm hmm fit'")
    s.add_argument("data", metavar="DATA", help="frames to score")
    _add_lengths(s)
    s.add_argument("--per-sequence", action="store_true",
                   help="one log-likelihood per sequence instead of the total")
    s.add_argument("--format", default="tsv", help="tsv (default) or json")
    add_common_options(s)
    s.set_defaults(func=_score)

    d = sub.add_parser("decode", help="most likely hidden states of each frame",
                       description="Most likely hidden states: the Viterbi path or the "
                                   "state of maximal posterior (map) of each frame.",
                       formatter_class=raw, epilog=_DECODE_EPILOG)
    d.add_argument("model", metavar="MODEL", help="model file written by 'tiedpgm hmm fit'")
    d.add_argument("data", metavar="DATA", help="frames to decode")
    _add_lengths(d)
    d.add_argument("--algorithm", default="viterbi", help="viterbi (default) or map")
    d.add_argument("--format", default="states", help="states (default), tsv or json")
    add_common_options(d)
    d.set_defaults(func=_decode)


def _add_lengths(parser):
    parser.add_argument("--lengths", default=None,
                        help="sequence lengths: a comma list (100,250,80) or a file of "
                             "integers (.npy, or text: one per line or comma-separated); "
                             "default: from an .npz's 'lengths', else one sequence")


def _no_subcommand(parser):
    parser.print_help(sys.stderr)
    return 2


# ---------------------------------------------------------------------------- data input
class Data:
    """Frames read from the command line: ``X`` (n_samples, n_features), ``lengths``
    (n_sequences,) and a name per sequence (``ids``)."""

    def __init__(self, X, lengths, ids):
        self.X, self.lengths, self.ids = X, lengths, ids


def _check_file(path, what):
    if not os.path.exists(path):
        raise FileNotFoundError(f"{what} {path!r} does not exist.")
    if os.path.isdir(path):
        raise ValueError(f"{what} {path!r} is a folder; give a file.")


def _parse_float(token, where):
    try:
        return float(token)
    except ValueError:
        raise ValueError(f"{where}: {token.strip()!r} is not a number; the file must hold "
                         "numbers only (one row per frame, optionally one header line).") from None


def read_text_table(text, name, delimiter=","):
    """Parse CSV/TSV text (rows = frames) into a float64 array (n_rows, n_columns).

    A first line that does not parse as numbers is taken as a header; blank lines and
    lines starting with ``#`` are skipped. ``delimiter=None`` splits on whitespace.
    """
    rows, width, first = [], None, True
    for lineno, line in enumerate(text.splitlines(), start=1):
        s = line.strip()
        if not s or s.startswith("#"):
            continue
        tokens = [t.strip() for t in (s.split(delimiter) if delimiter else s.split())]
        if first:
            first = False
            width = len(tokens)
            try:
                [float(t) for t in tokens]
            except ValueError:
                continue                   # a header line
        if len(tokens) != width:
            raise ValueError(f"{name} line {lineno}: {len(tokens)} fields but the first "
                             f"line has {width}; every row needs the same number of columns.")
        rows.append([_parse_float(t, f"{name} line {lineno}") for t in tokens])
    if not rows:
        raise ValueError(f"{name} holds no data rows; give one row of numbers per frame.")
    return np.array(rows, dtype=np.float64)


def _as_2d(X, name):
    X = np.asarray(X)
    if X.ndim == 1:
        X = X.reshape(-1, 1)
    if X.ndim != 2:
        raise ValueError(f"{name} holds an array of shape {X.shape}; expected a 2-D array "
                         "(n_samples, n_features) with one row per frame.")
    if X.shape[0] == 0:
        raise ValueError(f"{name} holds 0 frames; give at least one row.")
    if not (np.issubdtype(X.dtype, np.number) and not np.issubdtype(X.dtype, np.complexfloating)):
        raise ValueError(f"{name} holds an array of dtype {X.dtype}; expected numbers.")
    return X


def parse_lengths(value):
    """``--lengths``: a comma list of integers, or a file (.npy, or text) of them."""
    if value is None:
        return None
    text = value.strip()
    if re.fullmatch(r"[0-9][0-9,\s]*", text) and not os.path.isfile(value):
        tokens = [t for t in re.split(r"[,\s]+", text) if t]
        return np.array([int(t) for t in tokens], dtype=np.int64)
    if not os.path.exists(value):
        raise FileNotFoundError(
            f"--lengths {value!r} is neither a comma list of integers (e.g. 100,250,80) "
            "nor an existing file.")
    _check_file(value, "lengths file")
    if value.endswith(".npy"):
        arr = np.load(value, allow_pickle=False)
        src = f"lengths file {value!r}"
    else:
        with open(value) as fh:
            content = fh.read()
        tokens = [t for t in re.split(r"[,\s]+", content.strip()) if t]
        if not tokens:
            raise ValueError(f"lengths file {value!r} is empty; give one integer per sequence.")
        bad = [t for t in tokens if not re.fullmatch(r"[+]?[0-9]+", t)]
        if bad:
            raise ValueError(f"lengths file {value!r} holds {bad[0]!r}, not a positive "
                             "integer; give one length per sequence.")
        return np.array([int(t) for t in tokens], dtype=np.int64)
    arr = np.asarray(arr).ravel()
    if not np.issubdtype(arr.dtype, np.integer):
        if not (np.issubdtype(arr.dtype, np.floating) and np.all(arr == np.round(arr))):
            raise ValueError(f"{src} holds non-integer values; give sequence lengths.")
    return arr.astype(np.int64)


def load_data(spec, lengths=None):
    """Read DATA (path, ``-`` or ``tidigits``) and ``--lengths`` into a :class:`Data`.

    Raises
    ------
    FileNotFoundError
        DATA or the lengths file does not exist.
    ValueError
        Malformed file, or lengths that do not partition the frames.
    """
    from ._validation import check_lengths

    given = parse_lengths(lengths)
    ids = None
    if spec == "tidigits" and not os.path.exists(spec):
        from .datasets import load_tidigits
        ds = load_tidigits()
        X, file_lengths, name = ds.X, ds.lengths, "tidigits"
        ids = list(ds.utterance_ids)
    elif spec == "-":
        X, file_lengths, name = read_text_table(sys.stdin.read(), "standard input"), None, "stdin"
    else:
        _check_file(spec, "data file")
        name, low = spec, spec.lower()
        file_lengths = None
        if low.endswith(".npy"):
            try:
                X = np.load(spec, allow_pickle=False)
            except (ValueError, OSError) as exc:
                raise ValueError(f"{spec} is not a readable .npy array ({exc}).") from None
        elif low.endswith(".npz"):
            try:
                with np.load(spec, allow_pickle=False) as z:
                    if "X" not in z.files:
                        raise ValueError(f"{spec} has arrays {sorted(z.files)} but no 'X'; "
                                         "save the frames as X (np.savez(path, X=X, "
                                         "lengths=lengths)).")
                    X = z["X"]
                    file_lengths = z["lengths"] if "lengths" in z.files else None
            except OSError as exc:
                raise ValueError(f"{spec} is not a readable .npz archive ({exc}).") from None
        else:
            try:
                with open(spec) as fh:
                    text = fh.read()
            except UnicodeDecodeError:
                raise ValueError(f"{spec} is not a text (CSV) file; DATA must be .npy, "
                                 ".npz or CSV.") from None
            delim = None if low.endswith((".tsv", ".txt", ".dat")) else ","
            X = read_text_table(text, spec, delimiter=delim)
    X = _as_2d(X, name)
    lens = given if given is not None else (
        None if file_lengths is None else np.asarray(file_lengths).ravel())
    if lens is None:
        lens = np.array([X.shape[0]], dtype=np.int64)
        ids = ids if ids is not None and len(ids) == 1 else None
    elif given is not None:
        ids = None                                 # user-given split: numbered sequences
    try:
        offsets = check_lengths(lens, X.shape[0])
    except ValueError as exc:
        raise ValueError(f"{name}: {exc.args[0]}") from None
    lens = np.diff(offsets)
    if ids is None:
        ids = [str(i) for i in range(len(lens))]
    return Data(X, lens, ids)


# ---------------------------------------------------------------------------- model files
def _json_value(x):
    if isinstance(x, float) and not math.isfinite(x):
        return "nan" if math.isnan(x) else ("inf" if x > 0 else "-inf")
    return x


def _nested(lst):
    if isinstance(lst, list):
        return [_nested(v) for v in lst]
    return _json_value(lst)


def _from_nested(data, dtype):
    if dtype.kind in "fc":
        def conv(v):
            if isinstance(v, list):
                return [conv(u) for u in v]
            return float(v)                   # float("nan"/"inf"/"-inf") too
        data = conv(data)
    return np.array(data, dtype=dtype)


def save_model_json(model, path_or_file):
    """Write a fitted model as one JSON document (see the module docstring).

    Parameters
    ----------
    model : fitted tiedpgm HMM
    path_or_file : str or text file object
    """
    with tempfile.TemporaryDirectory() as tmp:
        npz = model.save(os.path.join(tmp, "model.npz"))
        with np.load(npz, allow_pickle=False) as z:
            meta = json.loads(str(z["__tiedpgm__"][()]))
            arrays = {k: z[k] for k in z.files if k != "__tiedpgm__"}
    doc = dict(meta)
    doc["format"] = JSON_FORMAT
    doc["npz_format"] = meta["format"]
    doc["arrays"] = {k: {"dtype": a.dtype.str, "shape": list(a.shape),
                         "data": _nested(a.tolist())} for k, a in sorted(arrays.items())}
    text = json.dumps(doc, indent=1, allow_nan=False) + "\n"
    if hasattr(path_or_file, "write"):
        path_or_file.write(text)
    else:
        with open(path_or_file, "w") as fh:
            fh.write(text)


def load_model_json(path):
    """Read a model written by :func:`save_model_json`; parameters exactly as saved."""
    from .io import load

    with open(path, "rb") as fh:
        raw = fh.read()
    try:
        doc = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise ValueError(f"{path} is not a tiedpgm model (neither JSON nor .npz); give a "
                         "model written by 'tiedpgm hmm fit'.") from None
    except json.JSONDecodeError as exc:
        raise ValueError(f"{path} is not valid JSON (line {exc.lineno}: {exc.msg}); "
                         "give a model written by 'tiedpgm hmm fit'.") from None
    if not isinstance(doc, dict) or doc.get("format") != JSON_FORMAT or "arrays" not in doc:
        raise ValueError(f"{path} is not a tiedpgm model (expected \"format\": "
                         f"\"{JSON_FORMAT}\"); write one with 'tiedpgm hmm fit -o model.json'.")
    arrays = {}
    for k, spec in doc.pop("arrays").items():
        arr = _from_nested(spec["data"], np.dtype(spec["dtype"]))
        arrays[k] = arr.reshape(spec["shape"])
    doc["format"] = doc.pop("npz_format", "tiedpgm.model")
    # one reader for both encodings: rebuild the .npz that io.load understands
    with tempfile.TemporaryDirectory() as tmp:
        npz = os.path.join(tmp, "model.npz")
        np.savez(npz, __tiedpgm__=np.array(json.dumps(doc)), **arrays)
        return load(npz)


def load_model(path):
    """Read a model file of either format (JSON or ``.npz``), detected from its content."""
    from .io import load

    _check_file(path, "model file")
    with open(path, "rb") as fh:
        head = fh.read(2)
    if head == b"PK":                       # zip archive = .npz
        return load(path)
    return load_model_json(path)


# ---------------------------------------------------------------------------- commands
def _model_class(name):
    from . import hmm
    import tiedpgm

    key = str(name).lower()
    if key not in MODEL_CLASSES:
        raise ValueError(f"unknown --model {name!r}; choose one of "
                         f"{', '.join(MODEL_CLASSES)}.")
    cls_name = MODEL_CLASSES[key]
    cls = getattr(hmm, cls_name, None) or getattr(tiedpgm, cls_name, None)
    if cls is None:
        raise ValueError(f"--model {key} needs tiedpgm.{cls_name}, which this version of "
                         "tiedpgm does not have; upgrade tiedpgm.")
    return cls


def parse_tie_groups(text):
    if text is None:
        return None
    tokens = [t.strip() for t in text.split(",")]
    if not all(re.fullmatch(r"[0-9]+", t) for t in tokens):
        raise ValueError(f"--tie-groups {text!r} is not a comma list of group ids; "
                         "give one integer per state, e.g. 0,0,1,1.")
    return [int(t) for t in tokens]


def _log(args, msg):
    if not args.quiet:
        print(msg, file=sys.stderr, flush=True)


def _model_format(args):
    fmt = args.format
    if fmt is None:
        fmt = "npz" if str(args.output).lower().endswith(".npz") else "json"
    if fmt not in MODEL_FORMATS:
        raise ValueError(f"unknown --format {fmt!r}; choose one of {', '.join(MODEL_FORMATS)}.")
    if fmt == "npz" and args.output in (None, "-"):
        raise ValueError("--format npz writes a binary file; give -o model.npz "
                         "(or use JSON on standard output).")
    return fmt


def _fit(args):
    cls = _model_class(args.model)
    fmt = _model_format(args)
    if args.n_components < 1:
        raise ValueError(f"--n-components is {args.n_components}; give at least 1 state.")
    if args.n_iter < 1:
        raise ValueError(f"--n-iter is {args.n_iter}; give at least 1 iteration.")
    groups = parse_tie_groups(args.tie_groups)
    if groups is not None and len(groups) != args.n_components:
        raise ValueError(f"--tie-groups has {len(groups)} entries but --n-components is "
                         f"{args.n_components}; give one group id per state, e.g. "
                         f"{','.join(str(i // 2) for i in range(args.n_components))}.")
    data = load_data(args.data, args.lengths)

    accepted = inspect.signature(cls.__init__).parameters
    kw = dict(n_components=args.n_components, tie_groups=groups, n_iter=args.n_iter,
              tol=args.tol, random_state=args.seed, backend=args.backend,
              verbose=not args.quiet)
    optional = {"covariance_type": args.covariance_type, "n_mix": args.n_mix,
                "n_features": args.n_features}
    for key, value in optional.items():
        if value is None:
            continue
        if key not in accepted:
            raise ValueError(f"--{key.replace('_', '-')} does not apply to --model "
                             f"{args.model.lower()} ({cls.__name__}).")
        kw[key] = value
    if "covariance_type" in accepted and args.covariance_type is None:
        kw["covariance_type"] = "diag"
    model = cls(**{k: v for k, v in kw.items() if k in accepted})

    _log(args, f"fitting {cls.__name__} with {args.n_components} states on {data.X.shape[0]} "
               f"frames x {data.X.shape[1]} features in {len(data.lengths)} sequence(s) "
               f"(backend {args.backend})")
    t0 = time.perf_counter()
    model.fit(data.X, data.lengths)
    mon = model.monitor_
    last = mon.history[-1] if mon.history else float("nan")
    _log(args, f"{'converged' if mon.converged else 'stopped'} after {mon.iter} iteration(s) "
               f"in {time.perf_counter() - t0:.1f} s; log-likelihood {last:.6f}")
    if fmt == "npz":
        path = model.save(args.output)
    else:
        path = args.output
        save_model_json(model, sys.stdout if path in (None, "-") else path)
    if args.output not in (None, "-"):
        _log(args, f"wrote {path}")
    return 0


def _loaded(args):
    from .kernels import resolve_backend

    model = load_model(args.model)
    data = load_data(args.data, args.lengths)
    model.backend_ = resolve_backend(args.backend)   # --backend applies to this run
    return model, data


def _write(args, text):
    if args.output in (None, "-"):
        sys.stdout.write(text)
        sys.stdout.flush()
    else:
        with open(args.output, "w") as fh:
            fh.write(text)


def _score(args):
    if args.format not in SCORE_FORMATS:
        raise ValueError(f"unknown --format {args.format!r}; choose one of "
                         f"{', '.join(SCORE_FORMATS)}.")
    model, data = _loaded(args)
    offsets = np.concatenate([[0], np.cumsum(data.lengths)])
    if args.per_sequence:
        per = [model.score(data.X[offsets[i]:offsets[i + 1]])
               for i in range(len(data.lengths))]
        total = float(np.sum(per))
    else:
        per, total = None, model.score(data.X, data.lengths)
    if args.format == "json":
        doc = {"log_likelihood": _json_value(total), "n_samples": int(data.X.shape[0]),
               "n_sequences": int(len(data.lengths))}
        if per is not None:
            doc["sequences"] = [{"sequence": sid, "length": int(n),
                                 "log_likelihood": _json_value(float(lp))}
                                for sid, n, lp in zip(data.ids, data.lengths, per)]
        text = json.dumps(doc, indent=1) + "\n"
    elif per is None:
        text = f"{total!r}\n"
    else:
        text = "sequence\tlength\tlog_likelihood\n" + "".join(
            f"{sid}\t{int(n)}\t{float(lp)!r}\n" for sid, n, lp in zip(data.ids, data.lengths, per))
    _write(args, text)
    _log(args, f"log-likelihood {total:.6f} over {data.X.shape[0]} frames in "
               f"{len(data.lengths)} sequence(s)")
    return 0


def _decode(args):
    if args.algorithm not in ALGORITHMS:
        raise ValueError(f"unknown --algorithm {args.algorithm!r}; choose one of "
                         f"{', '.join(ALGORITHMS)}.")
    if args.format not in DECODE_FORMATS:
        raise ValueError(f"unknown --format {args.format!r}; choose one of "
                         f"{', '.join(DECODE_FORMATS)}.")
    model, data = _loaded(args)
    log_prob, states = model.decode(data.X, data.lengths, algorithm=args.algorithm)
    offsets = np.concatenate([[0], np.cumsum(data.lengths)])
    if args.format == "states":
        text = "".join(f"{int(s)}\n" for s in states)
    elif args.format == "tsv":
        buf = _io.StringIO()
        buf.write("sequence\tposition\tstate\n")
        for i, sid in enumerate(data.ids):
            for pos, s in enumerate(states[offsets[i]:offsets[i + 1]]):
                buf.write(f"{sid}\t{pos}\t{int(s)}\n")
        text = buf.getvalue()
    else:
        doc = {"algorithm": args.algorithm, "log_prob": _json_value(float(log_prob)),
               "sequences": [{"sequence": sid,
                              "states": states[offsets[i]:offsets[i + 1]].tolist()}
                             for i, sid in enumerate(data.ids)]}
        text = json.dumps(doc) + "\n"
    _write(args, text)
    _log(args, f"{args.algorithm} log-prob {log_prob:.6f}; decoded {len(states)} frames in "
               f"{len(data.lengths)} sequence(s)")
    return 0
