"""Beyond one machine: summaries as values, online EM, Dask-distributed EM and alignment.

tiedpgm does not ship a scheduler; it runs on a **Dask distributed** cluster the user
already has (``pip install 'tiedpgm[dask]'``). Everything here rests on one fact about
the E-step of :class:`tiedpgm.hmm.BaseHMM`:

    ``model.summarize(X_a, lengths_a) + model.summarize(X_b, lengths_b)``
    equals ``model.summarize(X, lengths)`` of the concatenation (up to float rounding),

because every statistic (``start``, ``trans``, the pooled emission sums and the
log-likelihood) is a *sum over sequences*. One EM iteration over data in many chunks
is therefore: summarize each chunk under the same parameters, add, and apply the sum
once with ``model.apply_summaries(stats)`` (the M-step, which only divides). A chunk
boundary must fall between sequences, never inside one.

Summaries as values
    :func:`save_summary` / :func:`load_summary` write a ``Stats`` to a documented
    ``.npz`` file (no pickle), so shards can be summarized by separate jobs and added
    later (:func:`add_summaries`, or the builtin ``sum``).

Streaming (:func:`partial_fit`)
    Stepwise EM (Cappe & Moulines 2009; Liang & Klein 2009): with the statistics
    ``s_b`` of batch ``b`` computed under the current parameters, the running statistics
    are ``S_b = (1 - rho_b) S_{b-1} + rho_b s_b`` with step size
    ``rho_b = (b + t0) ** -kappa`` (``b = 1, 2, ...``; ``0.5 < kappa <= 1`` gives the
    Robbins-Monro conditions; ``rho_1 = 1`` when ``t0 = 0``), followed by one M-step
    on ``S_b``. ``decay=gamma`` selects the alternative *decayed running sum*
    ``S_b = gamma S_{b-1} + s_b`` (``gamma = 1``: plain cumulative statistics;
    ``gamma < 1``: an effective memory of ``1 / (1 - gamma)`` batches).

Distributed EM (:func:`fit`, :func:`resume`)
    The data are loaded **on the workers** once (from files, a Dask bag, or chunks the
    client submits once) and stay there as futures; each iteration ships only the
    pickled model (kilobytes) to the E-step tasks and brings back only ``Stats``,
    summed by a fixed-shape tree of tasks (fan-in ``fanin``) so the order of
    floating-point additions never depends on which worker ran what. The M-step runs
    on the client. Because chunk data are produced by tasks (not ``scatter``), a worker
    lost mid-iteration is healed by Dask recomputing its chunks and statistics, and the
    fixed reduction tree gives bit-identical parameters. ``checkpoint=path`` writes the
    model (a normal :func:`tiedpgm.load`-able file plus the fit's progress) every
    ``checkpoint_every`` iterations, atomically; :func:`resume` continues after the
    client died and reaches the same final parameters as an uninterrupted fit.

Distributed alignment (:func:`score_many`, :func:`align_many`, :func:`align_all_vs_all`)
    Pairs are cut into blocks aligned by ``PairHMM.align_many`` on the workers;
    all-vs-all over a FASTA file writes one part file per block from the workers
    (Parquet when pyarrow or fastparquet is installed, gzipped CSV otherwise), so
    neither the client nor one worker ever holds all the output.

Wiring as methods (``BaseHMM``)::

    def partial_fit(self, X, lengths=None, **kwargs):
        from .distributed import partial_fit
        return partial_fit(self, X, lengths, **kwargs)

    # first lines of BaseHMM.fit(self, X, lengths=None, state_mask=None, client=None,
    # **dist_kwargs):
        if client is not None:
            from .distributed import fit as dist_fit
            return dist_fit(self, X, client, lengths=lengths, **dist_kwargs)
"""
import json
import numbers
import operator
import os
import pickle
import uuid
from dataclasses import fields, replace

import numpy as np

__all__ = [
    "add_summaries", "save_summary", "load_summary", "scale_summary", "partial_fit",
    "fit", "resume", "score_many", "align_many", "align_all_vs_all",
]

SUMMARY_FORMAT = "tiedpgm.summary"
SUMMARY_FORMAT_VERSION = 1
_META = "__tiedpgm__"
_CKPT_KEY = "__tiedpgm_checkpoint__"


# ============================================================================ summaries
def _stats_class():
    from .hmm import Stats
    return Stats


def add_summaries(summaries):
    """Sum an iterable of ``Stats`` (computed under the same parameters on disjoint data).

    Pairwise (tree) order, so the result does not depend on how many were produced
    where; equals ``summarize`` of the concatenated data up to rounding.
    """
    items = list(summaries)
    if not items:
        raise ValueError("add_summaries got no summaries; give at least one Stats.")
    while len(items) > 1:
        items = [items[i] + items[i + 1] if i + 1 < len(items) else items[i]
                 for i in range(0, len(items), 2)]
    return items[0]


def scale_summary(stats, factor):
    """Multiply every summed quantity of ``stats`` by ``factor`` (a new ``Stats``).

    Arrays, the emission dict and ``log_prob`` are scaled; the integer counts
    ``n_sequences``/``n_samples`` are bookkeeping and kept.
    """
    factor = float(factor)
    changes = {}
    for f in fields(stats):
        v = getattr(stats, f.name)
        if isinstance(v, np.ndarray):
            changes[f.name] = v * factor
        elif isinstance(v, dict):
            changes[f.name] = {k: np.asarray(a) * factor for k, a in v.items()}
        elif isinstance(v, numbers.Real) and not isinstance(v, numbers.Integral):
            changes[f.name] = float(v) * factor
    return replace(stats, **changes)


def save_summary(stats, path):
    """Write a ``Stats`` to ``path`` (``.npz`` appended if missing); return the path.

    File format (version 1): a NumPy ``.npz`` archive readable with
    ``allow_pickle=False`` holding ``__tiedpgm__``, a 0-d unicode JSON document
    ``{"format": "tiedpgm.summary", "format_version": 1, "scalars": {...}}`` with the
    scalar fields (``log_prob`` written with ``repr`` precision, ``n_sequences``,
    ``n_samples``), one float64 array per array field (``start``, ``trans``) and
    ``emission.<name>`` per emission statistic (``counts``, ``sum_w``, ``sum_x``, ...).
    A round trip is exact.
    """
    path = os.fspath(path)
    if not path.endswith(".npz"):
        path += ".npz"
    arrays, scalars = {}, {}
    for f in fields(stats):
        v = getattr(stats, f.name)
        if isinstance(v, dict):
            for k, a in v.items():
                arrays[f"{f.name}.{k}"] = np.asarray(a)
        elif isinstance(v, np.ndarray):
            arrays[f.name] = v
        elif isinstance(v, numbers.Integral):
            scalars[f.name] = int(v)
        elif isinstance(v, numbers.Real):
            scalars[f.name] = float(v)
        else:
            raise TypeError(f"cannot save Stats field {f.name} of type {type(v).__name__}.")
    meta = {"format": SUMMARY_FORMAT, "format_version": SUMMARY_FORMAT_VERSION,
            "class": type(stats).__name__, "scalars": scalars}
    arrays[_META] = np.array(json.dumps(meta))
    _atomic_savez(path, arrays)
    return path


def load_summary(path):
    """Read a ``Stats`` written by :func:`save_summary`."""
    path = os.fspath(path)
    with np.load(path, allow_pickle=False) as data:
        if _META not in data:
            raise ValueError(f"{path} is not a tiedpgm summary file (no {_META!r} entry); "
                             "write it with tiedpgm.distributed.save_summary.")
        meta = json.loads(str(data[_META][()]))
        arrays = {k: data[k] for k in data.files if k != _META}
    if meta.get("format") != SUMMARY_FORMAT or \
            meta.get("format_version", 0) > SUMMARY_FORMAT_VERSION:
        raise ValueError(f"{path} has format {meta.get('format')!r} version "
                         f"{meta.get('format_version')!r}; this tiedpgm reads "
                         f"{SUMMARY_FORMAT!r} up to version {SUMMARY_FORMAT_VERSION}.")
    Stats = _stats_class()
    kw = dict(meta["scalars"])
    for f in fields(Stats):
        if f.name in kw:
            continue
        prefix = f.name + "."
        sub = {k[len(prefix):]: v for k, v in arrays.items() if k.startswith(prefix)}
        if sub or f.name not in arrays:
            kw[f.name] = sub
        else:
            kw[f.name] = arrays[f.name]
    return Stats(**kw)


def _atomic_savez(path, arrays):
    tmp = f"{path}.{uuid.uuid4().hex}.tmp"
    try:
        with open(tmp, "wb") as fh:
            np.savez_compressed(fh, **arrays)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)


# ============================================================================ helpers
def _is_fitted(model):
    try:
        model._check_is_fitted()
    except Exception:
        return False
    return True


def _needs_init(model):
    """True when ``fit`` would initialise something from data (as the local fit does)."""
    return bool(model.init_params) or not _is_fitted(model)


def _initialize(model, X, lengths):
    """The local fit's preamble: validate hyperparameters, initialise from ``X``.

    Mirrors ``BaseHMM.fit`` up to the EM loop, so that with the same rows it gives the
    same starting point.
    """
    from sklearn.exceptions import NotFittedError
    model._check_hyper()
    rng = np.random.default_rng(model.random_state)
    fam = model._family()
    if set(model._emission_letters) <= set(model.init_params):
        model._forget_data_shape(fam)
    X, offsets = model._validate_X(X, lengths, fam)
    model._init(X, rng, fam)
    try:
        model._check_is_fitted()
    except NotFittedError as exc:
        raise ValueError(
            f"{exc.args[0].split(' yet;')[0]} after initialisation: "
            f"init_params={model.init_params!r} does not initialise them; assign them "
            "before fit or add their letters to init_params.") from None


# ============================================================================ partial_fit
def partial_fit(model, X, lengths=None, *, kappa=0.6, t0=2.0, decay=None):
    """One stepwise-EM update of ``model`` from a new batch (streaming / out-of-core).

    Rule (documented in the module docstring): with ``s_b = model.summarize(X, lengths)``
    under the current parameters, ``S_b = (1 - rho_b) S_{b-1} + rho_b s_b`` and
    ``rho_b = (b + t0) ** -kappa``; or, with ``decay=gamma``,
    ``S_b = gamma S_{b-1} + s_b``. Then one M-step on ``S_b``. The first call on an
    unfitted model initialises the parameters in ``init_params`` from this batch
    (like ``fit``) and sets ``S_1 = s_1``.

    Parameters
    ----------
    model : BaseHMM
    X : array-like, shape (n_samples, n_features)
    lengths : array-like of int, shape (n_sequences,), optional
    kappa : float in (0.5, 1]
        Step-size exponent (Robbins-Monro: the steps sum to infinity, their squares do not).
    t0 : float >= 0
        Step-size offset; larger values damp the first updates.
    decay : float in (0, 1], optional
        Use the decayed running sum instead of the stepwise rule.

    Returns
    -------
    model
        With ``online_stats_`` (the running ``Stats``) and ``n_batches_`` updated.
    """
    if decay is None:
        if not (0.5 < kappa <= 1):
            raise ValueError(f"kappa={kappa!r} must lie in (0.5, 1] (Robbins-Monro step sizes).")
        if not t0 >= 0:
            raise ValueError(f"t0={t0!r} must be >= 0.")
    elif not (0 < decay <= 1):
        raise ValueError(f"decay={decay!r} must lie in (0, 1]; 1 keeps all past statistics.")
    first = getattr(model, "online_stats_", None) is None or not _is_fitted(model)
    if first:
        _initialize(model, X, lengths)
        from .kernels import resolve_backend
        model.backend_ = resolve_backend(model.backend)
        model.n_batches_ = 0
    stats = model.summarize(X, lengths)
    b = model.n_batches_ + 1
    if first:
        running = stats
    elif decay is None:
        rho = float((b + t0) ** -kappa)
        running = scale_summary(model.online_stats_, 1.0 - rho) + scale_summary(stats, rho)
    else:
        running = scale_summary(model.online_stats_, decay) + stats
    model.apply_summaries(running)
    model.online_stats_ = running
    model.n_batches_ = b
    return model


# ============================================================================ data on workers
def _offsets_of(lengths, n):
    from ._validation import check_lengths
    return check_lengths(lengths, n)


def _load_path(path):
    """Load one file into ``(X, lengths)``: ``.npy`` = one sequence; ``.npz`` = X (+ lengths)."""
    path = os.fspath(path)
    if path.endswith(".npz"):
        with np.load(path, allow_pickle=False) as d:
            if "X" not in d:
                raise ValueError(f"{path} has no array 'X'; an .npz chunk holds X and "
                                 "optionally lengths.")
            return d["X"], (d["lengths"] if "lengths" in d else None)
    if path.endswith(".npy"):
        return np.load(path, allow_pickle=False), None
    if path.endswith(".parquet"):
        import pandas as pd
        df = pd.read_parquet(path)
        if "sequence" not in df.columns:
            raise ValueError(f"{path} has no 'sequence' column; a Parquet chunk holds one "
                             "row per observation, a 'sequence' id column and the feature "
                             "columns.")
        seq = df.pop("sequence").to_numpy()
        change = np.flatnonzero(seq[1:] != seq[:-1]) + 1
        bounds = np.concatenate([[0], change, [len(seq)]])
        return df.to_numpy(), np.diff(bounds)
    raise ValueError(f"{path}: unknown chunk file type; use .npy (one sequence), .npz "
                     "(X and lengths) or .parquet.")


def _concat_partition(items):
    """A Dask-bag partition (sequences or (X, lengths) chunks) -> one (X, lengths)."""
    Xs, lens = [], []
    for it in items:
        if isinstance(it, tuple) and len(it) == 2:
            X, lengths = np.asarray(it[0]), it[1]
            Xs.append(X)
            lens.append(np.diff(_offsets_of(lengths, len(X))))
        else:
            X = np.asarray(it)
            Xs.append(X)
            lens.append(np.array([len(X)], dtype=np.int64))
    if not Xs:
        return None, None
    return np.concatenate(Xs), np.concatenate(lens)


def _raw_chunk(spec):
    """Worker task: a chunk spec (a path or an (X, lengths) pair) -> (X, lengths)."""
    if isinstance(spec, (str, os.PathLike)):
        return _load_path(spec)
    return spec


def _validated_chunk(model_bytes, raw, index):
    """Worker task: validate a chunk once with the (initialised) model -> (X, offsets)."""
    X, lengths = raw
    if X is None:
        return None
    model = pickle.loads(model_bytes)
    try:
        return model._validate_X(X, lengths, model._family())
    except ValueError as exc:
        raise ValueError(f"chunk {index}: {exc}") from None


_MODEL_CACHE = {}


def _estep_chunk(model_bytes, chunk, numba_threads):
    """Worker task: the E-step of one chunk under the shipped parameters -> Stats."""
    if chunk is None:
        return None
    key = hash(model_bytes)
    model = _MODEL_CACHE.get(key)
    if model is None or model[0] != model_bytes:
        _MODEL_CACHE.clear()
        model = (model_bytes, pickle.loads(model_bytes))
        _MODEL_CACHE[key] = model
    model = model[1]
    X, offsets = chunk
    kernels = model._kernels()
    if numba_threads and getattr(kernels, "__name__", "").endswith("numba_cpu"):
        import numba
        numba.set_num_threads(max(1, min(int(numba_threads), numba.config.NUMBA_NUM_THREADS)))
    return model._estep(X, offsets, model._family(), kernels)


def _sum_stats(*parts):
    parts = [p for p in parts if p is not None]
    if not parts:
        return None
    out = parts[0]
    for p in parts[1:]:
        out = out + p
    return out


def _chunk_specs(sequences, n_chunks):
    """Turn the user's ``sequences`` into a list of chunk specs (or a Dask bag)."""
    if hasattr(sequences, "to_delayed") and hasattr(sequences, "npartitions"):
        return "bag", sequences
    if isinstance(sequences, (str, os.PathLike)):
        raise TypeError("sequences is a single path; give a list of paths (one chunk each).")
    seqs = list(sequences)
    if not seqs:
        raise ValueError("sequences is empty; give at least one sequence or chunk.")
    if all(isinstance(s, (str, os.PathLike)) for s in seqs):
        return "specs", [os.fspath(s) for s in seqs]
    if all(isinstance(s, tuple) and len(s) == 2 for s in seqs):
        return "specs", [(np.asarray(X), None if L is None else np.asarray(L))
                         for X, L in seqs]
    arrays = []
    for i, s in enumerate(seqs):
        if isinstance(s, (str, os.PathLike, tuple)):
            raise TypeError(f"sequences[{i}] is a {type(s).__name__} but sequences[0] is "
                            f"a {type(seqs[0]).__name__}; give all paths, all (X, lengths) "
                            "chunks, or all arrays (one sequence each).")
        arrays.append(np.asarray(s))
    # group whole sequences into n_chunks contiguous chunks of about equal rows
    sizes = np.array([len(a) for a in arrays])
    n_chunks = max(1, min(int(n_chunks), len(arrays)))
    cum = np.cumsum(sizes)
    cuts = np.searchsorted(cum, cum[-1] * np.arange(1, n_chunks) / n_chunks, side="left") + 1
    bounds = np.unique(np.concatenate([[0], np.clip(cuts, 1, len(arrays)), [len(arrays)]]))
    return "specs", [(np.concatenate(arrays[a:b]), sizes[a:b].astype(np.int64))
                     for a, b in zip(bounds[:-1], bounds[1:])]


def _split_concatenated(sequences, lengths):
    """``model.fit``-style ``(X, lengths)`` -> a list of sequences; other inputs unchanged."""
    if not isinstance(sequences, np.ndarray):
        if lengths is not None:
            raise ValueError("lengths is only for a concatenated array X; a list or bag "
                             "of sequences carries its own lengths.")
        return sequences
    offsets = _offsets_of(lengths, len(sequences))
    return [sequences[a:b] for a, b in zip(offsets[:-1], offsets[1:])]


def _n_default_chunks(client):
    n_threads = sum(client.nthreads().values()) or 1
    return 4 * n_threads


def _load_raw(client, sequences, n_chunks):
    kind, specs = _chunk_specs(sequences, n_chunks)
    tok = uuid.uuid4().hex[:10]
    if kind == "bag":
        from dask import delayed
        parts = [delayed(_concat_partition)(d) for d in specs.to_delayed()]
        return client.compute(parts)
    # data ride in the task spec (not scatter), so the scheduler can rebuild a chunk
    # lost with its worker; files are read on the workers themselves
    return [client.submit(_raw_chunk, s, key=f"tiedpgm-raw-{tok}-{i}", pure=False)
            for i, s in enumerate(specs)]


def _init_rows(client, raw, init_rows):
    """Pull rows of the first chunks to the client for initialisation (bounded)."""
    Xs, lens, n = [], [], 0
    for f in raw:
        X, lengths = f.result()
        if X is None:
            continue
        offs = _offsets_of(lengths, len(X))
        Xs.append(np.asarray(X))
        lens.append(np.diff(offs))
        n += len(X)
        if init_rows is not None and n >= init_rows:
            break
    X, lengths = np.concatenate(Xs), np.concatenate(lens)
    if init_rows is not None and len(X) > init_rows:
        keep = np.searchsorted(np.cumsum(lengths), init_rows, side="left") + 1
        lengths = lengths[:keep].copy()
        lengths[-1] -= int(lengths.sum()) - init_rows
        X = X[:init_rows]
    return X, lengths


def _tree_reduce(client, futs, fanin, tag):
    level = 0
    while len(futs) > 1:
        futs = [client.submit(_sum_stats, *futs[i:i + fanin],
                              key=f"tiedpgm-sum-{tag}-{level}-{i}", pure=False)
                for i in range(0, len(futs), fanin)]
        level += 1
    return futs[0]


def _model_payload(model):
    # only parameters cross the network: the model object without its fit history
    mon = model.__dict__.pop("monitor_", None)
    online = model.__dict__.pop("online_stats_", None)
    try:
        return pickle.dumps(model, protocol=pickle.HIGHEST_PROTOCOL)
    finally:
        if mon is not None:
            model.monitor_ = mon
        if online is not None:
            model.online_stats_ = online


# ============================================================================ fit / resume
def fit(model, sequences, client, n_iter=None, tol=None, checkpoint=None,
        checkpoint_every=1, *, lengths=None, n_chunks=None, init_rows=100_000, fanin=8,
        numba_threads=1, verbose=None, callback=None):
    """Baum-Welch EM of ``model`` with the E-step on a Dask cluster.

    Parameters
    ----------
    model : BaseHMM
        Any tied HMM (``GaussianHMM``, ``CategoricalHMM``, ...); its ``backend``
        (``"auto"`` = numba) runs the E-step on the workers.
    sequences : list or dask.bag.Bag
        One of: a list of arrays (one sequence each, grouped into ``n_chunks``
        contiguous chunks); a list of ``(X, lengths)`` chunks; a list of file paths
        (``.npy`` = one sequence, ``.npz`` = arrays ``X`` and optional ``lengths``,
        ``.parquet`` = one row per observation with a ``sequence`` id column; read by
        the workers); a Dask bag whose elements are sequences or ``(X, lengths)``
        chunks (one chunk per partition). A single array is ``X`` of ``model.fit``:
        split into sequences by ``lengths`` (one sequence if ``lengths`` is None).
    client : distributed.Client
    n_iter, tol : optional
        Default to ``model.n_iter`` / ``model.tol``.
    checkpoint : str or os.PathLike, optional
        File written (atomically) every ``checkpoint_every`` iterations and at the end;
        a normal model file (:func:`tiedpgm.load`) plus the fit's progress, read by
        :func:`resume`.
    n_chunks : int, optional
        Chunks for a list of arrays (default 4 per worker thread). Recorded in the
        checkpoint so a resumed fit adds in the same order.
    init_rows : int or None
        Parameters named in ``init_params`` are initialised on the client from the
        first ``init_rows`` rows (the only data that ever reaches the client);
        ``None`` = all rows, which reproduces the local fit's initialisation exactly.
    fanin : int
        Fan-in of the reduction tree of statistics.
    numba_threads : int or None
        Numba threads per E-step task (default 1: one Dask thread = one core);
        ``None`` leaves numba's setting alone.
    callback : callable, optional
        ``callback(model)`` after each M-step (and checkpoint), e.g. for progress.

    Returns
    -------
    model
        Fitted, with ``monitor_`` and ``backend_`` as after ``model.fit``.
    """
    from .engine import ConvergenceMonitor
    from .kernels import resolve_backend
    n_iter = model.n_iter if n_iter is None else n_iter
    tol = model.tol if tol is None else tol
    verbose = model.verbose if verbose is None else verbose
    if checkpoint_every is None or int(checkpoint_every) < 1:
        raise ValueError(f"checkpoint_every={checkpoint_every!r} must be a positive integer.")
    n_chunks = _n_default_chunks(client) if n_chunks is None else int(n_chunks)
    sequences = _split_concatenated(sequences, lengths)
    raw = _load_raw(client, sequences, n_chunks)
    if _needs_init(model):
        X0, L0 = _init_rows(client, raw, init_rows)
        _initialize(model, X0, L0)
        del X0, L0
    else:
        model._check_hyper()
    model.backend_ = resolve_backend(model.backend)
    monitor = ConvergenceMonitor(tol, n_iter, verbose)
    config = {"n_chunks": n_chunks, "checkpoint_every": int(checkpoint_every),
              "fanin": int(fanin), "numba_threads": numba_threads}
    chunks = _validate_on_workers(client, model, raw)
    del raw      # the validated chunks keep the lineage; the raw copies are released
    return _run(model, client, chunks, monitor, checkpoint, config, callback)


def resume(checkpoint, sequences, client, *, lengths=None, n_iter=None, callback=None):
    """Continue a distributed fit from its checkpoint file (e.g. after the client died).

    ``sequences`` must be the same data as given to :func:`fit`; the number of chunks,
    the reduction fan-in and the iteration count are read from the checkpoint, so the
    final parameters equal those of an uninterrupted fit. ``n_iter`` raises the
    iteration limit if given.

    Returns
    -------
    model
    """
    from .engine import ConvergenceMonitor
    from .io import load
    path = os.fspath(checkpoint)
    model = load(path)
    with np.load(path, allow_pickle=False) as d:
        if _CKPT_KEY not in d:
            raise ValueError(f"{path} is a model file but not a checkpoint of "
                             "tiedpgm.distributed.fit (no progress record).")
        config = json.loads(str(d[_CKPT_KEY][()]))
    mon = model.monitor_
    monitor = ConvergenceMonitor(mon.tol, mon.n_iter if n_iter is None else n_iter, mon.verbose)
    monitor.history, monitor.iter, monitor.converged = list(mon.history), mon.iter, mon.converged
    if monitor.converged or monitor.iter >= monitor.n_iter:
        model.monitor_ = monitor
        return model
    raw = _load_raw(client, _split_concatenated(sequences, lengths), config["n_chunks"])
    chunks = _validate_on_workers(client, model, raw)
    del raw
    return _run(model, client, chunks, monitor, path, config, callback)


def _write_checkpoint(model, path, config):
    from .io import save_model
    path = os.fspath(path)
    tmp = f"{path}.{uuid.uuid4().hex}.model.npz"
    try:
        save_model(model, tmp)
        with np.load(tmp, allow_pickle=False) as d:
            arrays = {k: d[k] for k in d.files}
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)
    arrays[_CKPT_KEY] = np.array(json.dumps(config))
    _atomic_savez(path, arrays)


def _log_prior(model):
    fam = model._family()
    lp = getattr(fam, "log_prior", None)
    return float(lp()) if lp is not None else 0.0


def _validate_on_workers(client, model, raw):
    tok = uuid.uuid4().hex[:10]
    payload = _model_payload(model)
    return [client.submit(_validated_chunk, payload, r, i,
                          key=f"tiedpgm-chunk-{tok}-{i}", pure=False)
            for i, r in enumerate(raw)]


def _run(model, client, chunks, monitor, checkpoint, config, callback=None):
    """The EM loop of ``engine.run_em``, restartable: E-step on workers, M-step here."""
    tok = uuid.uuid4().hex[:10]
    k = config["checkpoint_every"]
    model.monitor_ = monitor
    try:
        while not (monitor.converged or monitor.iter >= monitor.n_iter):
            payload = _model_payload(model)
            it = monitor.iter
            parts = [client.submit(_estep_chunk, payload, c, config["numba_threads"],
                                   key=f"tiedpgm-estep-{tok}-{it}-{i}", pure=False)
                     for i, c in enumerate(chunks)]
            stats = _tree_reduce(client, parts, config["fanin"], f"{tok}-{it}").result()
            del parts
            if stats is None:
                raise ValueError("the sequences hold no data.")
            # the objective ``model.fit`` monitors: log-likelihood + log prior (MAP)
            objective = stats.log_prob + _log_prior(model)
            if not np.isfinite(objective):
                raise ValueError(
                    f"the data have log-likelihood {objective} under the current "
                    "parameters: some sequence is impossible; check the start/transition "
                    "zeros or the initial parameters.")
            monitor.report(objective)
            model.apply_summaries(stats)
            h = monitor.history
            if len(h) >= 2 and h[-1] - h[-2] < monitor.tol:
                monitor.converged = True
            done = monitor.converged or monitor.iter >= monitor.n_iter
            if checkpoint is not None and (done or monitor.iter % k == 0):
                _write_checkpoint(model, checkpoint, config)
            if callback is not None:
                callback(model)
    finally:
        client.cancel(chunks)
    return model


# ============================================================================ alignment
def _pair_blocks(pairs, block_size):
    pairs = list(pairs)
    return [(s, pairs[s:s + block_size]) for s in range(0, len(pairs), block_size)]


def _fix_ids(df, start):
    """``align_many`` names unnamed sequences 'pair {p} x' by position in its call."""
    if start == 0 or df.empty:
        return df
    local = np.arange(len(df))
    for col, side in (("id_x", "x"), ("id_y", "y")):
        default = np.array([f"pair {p} {side}" for p in local], dtype=object)
        glob = np.array([f"pair {p + start} {side}" for p in local], dtype=object)
        df[col] = np.where(df[col].to_numpy(dtype=object) == default, glob,
                           df[col].to_numpy(dtype=object))
    return df


def _align_block(ph_dict, start, pairs, method, eta, numba_threads):
    from .pairhmm import PairHMM
    _set_numba_threads(numba_threads)
    ph = PairHMM.from_dict(ph_dict)
    df = ph.align_many(pairs, method=method, eta=eta, progress=False)
    df = _fix_ids(df, start)
    df.index = np.arange(start, start + len(df))
    return df


def _score_block(ph_dict, pairs, numba_threads):
    from .pairhmm import PairHMM
    _set_numba_threads(numba_threads)
    return PairHMM.from_dict(ph_dict).score_many(pairs, progress=False)


def _set_numba_threads(n):
    if n:
        import numba
        numba.set_num_threads(max(1, min(int(n), numba.config.NUMBA_NUM_THREADS)))


def score_many(ph, pairs, client, *, block_size=256, numba_threads=1):
    """``ph.score_many(pairs)`` on a Dask cluster: log P(x, y) per pair, ndarray (n_pairs,)."""
    d = ph.to_dict()
    futs = [client.submit(_score_block, d, blk, numba_threads, pure=False)
            for _, blk in _pair_blocks(pairs, block_size)]
    out = client.gather(futs)
    return np.concatenate(out) if out else np.zeros(0)


def align_many(ph, pairs, client, *, method="mea", eta=None, block_size=256,
               numba_threads=1):
    """``ph.align_many(pairs)`` on a Dask cluster; the same pandas DataFrame (one row per
    pair, index 0..n_pairs-1, unnamed sequences numbered by their global position)."""
    import pandas as pd
    if method not in ("mea", "viterbi"):
        raise ValueError(f"method={method!r} is not known; use 'mea' or 'viterbi'.")
    d = ph.to_dict()
    futs = [client.submit(_align_block, d, start, blk, method, eta, numba_threads, pure=False)
            for start, blk in _pair_blocks(pairs, block_size)]
    parts = client.gather(futs)
    if not parts:
        return ph.align_many([], method=method, eta=eta, progress=False)
    return pd.concat(parts)


def _parquet_engine():
    for mod in ("pyarrow", "fastparquet"):
        try:
            __import__(mod)
            return mod
        except ImportError:
            continue
    return None


def _align_block_to_file(ph_dict, records_x, records_y, out_path, fmt, method, eta,
                         numba_threads):
    pairs = [(x, y) for x in records_x for y in records_y if x[0] < y[0]]
    import pandas as pd
    from .pairhmm import PairHMM
    _set_numba_threads(numba_threads)
    ph = PairHMM.from_dict(ph_dict)
    seqs = [(_Named(ix, sx), _Named(iy, sy)) for (ix, sx), (iy, sy) in pairs]
    df = (ph.align_many(seqs, method=method, eta=eta, progress=False) if seqs
          else pd.DataFrame(columns=["id_x", "id_y", "log_likelihood", "log_odds",
                                     "expected_accuracy", "cigar", "aligned_x", "aligned_y"]))
    if fmt == "parquet":
        df.to_parquet(out_path, index=False)
    else:
        df.to_csv(out_path, index=False, compression="gzip")
    return out_path, len(df)


def _fasta_records(path):
    """Yield ``(id, sequence)`` from a FASTA file (id = first word of the header)."""
    path = os.fspath(path)
    rid, buf, n = None, [], 0
    with open(path, "r", errors="replace") as fh:
        for line in fh:
            line = line.strip()
            if not line:
                continue
            if line.startswith(">"):
                if rid is not None:
                    yield rid, "".join(buf)
                head = line[1:].split()
                rid, buf, n = (head[0] if head else f"record{n}"), [], n + 1
            elif rid is None:
                raise ValueError(f"{path} is not FASTA: the first non-empty line should "
                                 f"start with '>', found {line[:30]!r}.")
            else:
                buf.append(line)
    if rid is None:
        raise ValueError(f"{path} contains no FASTA records.")
    yield rid, "".join(buf)


class _Named(str):
    """A str with an ``.id`` (what align_many reads from Biopython records)."""

    def __new__(cls, rid, seq):
        obj = super().__new__(cls, seq)
        obj.id = rid
        return obj

    def __reduce__(self):
        return (_Named, (self.id, str(self)))


def align_all_vs_all(ph, fasta, client, out_dir, *, block=64, method="mea", eta=None,
                     fmt="auto", numba_threads=1):
    """Align every unordered pair of records of ``fasta`` on the cluster, streaming output.

    The records are cut into blocks of ``block`` sequences; each pair of blocks
    ``(i, j)``, ``i <= j``, is one task that aligns its pairs (each unordered pair once,
    by record id order ``id_x < id_y``) and writes ``out_dir/part-i-j.<ext>`` itself:
    Parquet when pyarrow or fastparquet is installed (``fmt="auto"``), otherwise
    gzipped CSV (``fmt="csv"``) with the same columns as ``PairHMM.align_many``. Read
    the result with ``dask.dataframe.read_parquet(out_dir)`` /
    ``read_csv(out_dir + '/*.csv.gz')``. ``out_dir`` must be visible to the workers.

    Returns
    -------
    pandas.DataFrame
        One row per part: ``path``, ``n_rows`` (the alignments stay on disk).
    """
    import pandas as pd
    engine = _parquet_engine()
    if fmt == "auto":
        fmt = "parquet" if engine else "csv"
    if fmt == "parquet" and engine is None:
        raise ImportError("fmt='parquet' needs pyarrow or fastparquet: pip install pyarrow; "
                          "or use fmt='csv'.")
    if fmt not in ("parquet", "csv"):
        raise ValueError(f"fmt={fmt!r} is not known; use 'auto', 'parquet' or 'csv'.")
    ext = "parquet" if fmt == "parquet" else "csv.gz"
    os.makedirs(out_dir, exist_ok=True)
    recs = list(_fasta_records(fasta))
    ids = [r[0] for r in recs]
    if len(set(ids)) != len(ids):
        raise ValueError(f"{fasta} has duplicate record ids; all-vs-all names pairs by id.")
    recs.sort(key=operator.itemgetter(0))
    blocks = [recs[s:s + block] for s in range(0, len(recs), block)]
    d = ph.to_dict()
    # the blocks of records are scattered once; each task reads two of them
    bfuts = client.scatter(blocks)
    futs = []
    for i in range(len(blocks)):
        for j in range(i, len(blocks)):
            out = os.path.join(os.fspath(out_dir), f"part-{i:05d}-{j:05d}.{ext}")
            futs.append(client.submit(_align_block_to_file, d, bfuts[i], bfuts[j], out, fmt,
                                      method, eta, numba_threads, pure=False))
    res = []
    from distributed import as_completed
    for f in as_completed(futs):
        res.append(f.result())
        f.release()
    return pd.DataFrame(sorted(res), columns=["path", "n_rows"])
