"""Persistence without pickle: ``model.save(path)`` and ``tiedpgm.load(path)``.

File format (version 1)
-----------------------
One NumPy ``.npz`` archive (read with ``allow_pickle=False``) holding

``__tiedpgm__``
    a 0-d unicode array with a JSON document::

        {"format": "tiedpgm.model", "format_version": 1, "tiedpgm_version": "...",
         "class": "GaussianHMM",
         "params": {...constructor arguments (get_params()); an array-valued argument
                    is {"__array__": "param.<name>"}...},
         "fitted": {"backend_": "numba",
                    "monitor_": {"tol": ..., "n_iter": ..., "history": [...],
                                 "iter": ..., "converged": ...}}}

``startprob_``, ``transmat_``
    float64 arrays, per state.
``group.<name>``
    the emission family's per-group arrays (e.g. ``group.means``, ``group.covars``
    in the compact shape of ``covariance_type``, ``group.emissionprob``).
``param.<name>``
    array-valued constructor arguments (e.g. ``means_prior``).

Floats in the JSON are written with ``repr`` precision and arrays in binary, so a
round trip is exact. A ``random_state`` that is a Generator/RandomState object is
not saved (stored as null); integer seeds are.
"""
import json
import numbers
import os

import numpy as np

from ._version import __version__

FORMAT = "tiedpgm.model"
FORMAT_VERSION = 1
_META_KEY = "__tiedpgm__"


def _model_classes():
    from . import hmm
    return {name: getattr(hmm, name) for name in hmm.__all__
            if isinstance(getattr(hmm, name), type) and name not in ("Stats", "BaseHMM")}


def _to_json(name, value, arrays):
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        return float(value)
    if isinstance(value, np.ndarray):
        arrays[f"param.{name}"] = value
        return {"__array__": f"param.{name}"}
    if isinstance(value, (list, tuple)):
        try:
            return [_to_json(name, v, {}) for v in value]
        except TypeError:
            pass
    if name == "random_state":
        return None      # Generator / RandomState objects are not saved
    raise TypeError(f"cannot save parameter {name}={value!r} of type {type(value).__name__}; "
                    "give numbers, strings, lists or arrays.")


def save_model(model, path):
    """Write ``model`` to ``path`` (``.npz`` is appended if missing); return the path."""
    path = os.fspath(path)
    if not path.endswith(".npz"):
        path += ".npz"
    model._check_is_fitted()
    arrays = {"startprob_": model.startprob_, "transmat_": model.transmat_}
    for name, arr in model._family().get_arrays().items():
        arrays[f"group.{name}"] = np.asarray(arr)
    params = {k: _to_json(k, v, arrays) for k, v in model.get_params(deep=False).items()}
    fitted = {}
    if hasattr(model, "backend_"):
        fitted["backend_"] = model.backend_
    mon = getattr(model, "monitor_", None)
    if mon is not None:
        fitted["monitor_"] = {"tol": float(mon.tol), "n_iter": int(mon.n_iter),
                              "verbose": bool(mon.verbose), "history": list(mon.history),
                              "iter": int(mon.iter), "converged": bool(mon.converged)}
    meta = {"format": FORMAT, "format_version": FORMAT_VERSION,
            "tiedpgm_version": __version__, "class": type(model).__name__,
            "params": params, "fitted": fitted}
    arrays[_META_KEY] = np.array(json.dumps(meta))
    with open(path, "wb") as fh:
        np.savez_compressed(fh, **arrays)
    return path


def load(path):
    """Read a model written by ``model.save(path)``.

    Parameters
    ----------
    path : str or os.PathLike
        The ``.npz`` file.

    Returns
    -------
    model
        A fitted estimator of the saved class, parameters exactly as saved.
    """
    from .engine import ConvergenceMonitor
    with np.load(os.fspath(path), allow_pickle=False) as data:
        if _META_KEY not in data:
            raise ValueError(f"{os.fspath(path)} is not a tiedpgm model file (no "
                             f"{_META_KEY!r} entry); write it with model.save(path).")
        meta = json.loads(str(data[_META_KEY][()]))
        arrays = {k: data[k] for k in data.files if k != _META_KEY}
    if meta.get("format") != FORMAT or meta.get("format_version", 0) > FORMAT_VERSION:
        raise ValueError(f"{os.fspath(path)} has format {meta.get('format')!r} version "
                         f"{meta.get('format_version')!r}; this tiedpgm reads {FORMAT!r} up "
                         f"to version {FORMAT_VERSION}: upgrade tiedpgm.")
    classes = _model_classes()
    if meta["class"] not in classes:
        raise ValueError(f"{os.fspath(path)} holds a {meta['class']!r}, which this tiedpgm "
                         f"does not know (known: {sorted(classes)}).")
    params = {k: (arrays[v["__array__"]] if isinstance(v, dict) and "__array__" in v else v)
              for k, v in meta["params"].items()}
    model = classes[meta["class"]](**params)
    model.startprob_ = arrays["startprob_"]
    model.transmat_ = arrays["transmat_"]
    fam = model._family()
    for name in fam.param_names:
        if f"group.{name}" in arrays:
            model._set_group_param(name, arrays[f"group.{name}"])
    fitted = meta.get("fitted", {})
    if "backend_" in fitted:
        model.backend_ = fitted["backend_"]
    if "monitor_" in fitted:
        m = fitted["monitor_"]
        mon = ConvergenceMonitor(m["tol"], m["n_iter"], m["verbose"])
        mon.history, mon.iter, mon.converged = list(m["history"]), m["iter"], m["converged"]
        model.monitor_ = mon
    return model
