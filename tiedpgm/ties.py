"""Tie groups: which slots (states, edges, positions) share one parameter.

A tie group vector maps each slot to a group id ``0..n_groups-1``. Hard tying
stores a parameter once per group and pools the sufficient statistics of all
slots of a group before one M-step::

    pooled = pool(per_slot_stats, groups, n_groups)   # sum over the slots of each group
"""
import numbers

import numpy as np


def check_tie_groups(tie_groups, n_slots, name="tie_groups", slot="state"):
    """Validate ``tie_groups`` and return it as an int64 array of shape (n_slots,).

    ``None`` means untied: every slot is its own group. Group ids must be the
    integers ``0..n_groups-1``, each used at least once.
    """
    if tie_groups is None:
        return np.arange(n_slots, dtype=np.int64)
    if isinstance(tie_groups, (str, bytes)):
        raise ValueError(f"{name} must be a sequence of integer group ids, got {tie_groups!r}.")
    raw = np.asarray(tie_groups)
    if raw.ndim != 1:
        raise ValueError(f"{name} has shape {raw.shape}; expected one group id per {slot}.")
    if raw.shape[0] != n_slots:
        example = list(np.arange(n_slots) // 2)
        raise ValueError(
            f"{name} has {raw.shape[0]} entries but the model has {n_slots} {slot}s; "
            f"give one group id per {slot}, e.g. {example}.")
    if raw.dtype == bool or not (np.issubdtype(raw.dtype, np.integer) or all(
            isinstance(v, numbers.Integral) or (isinstance(v, float) and float(v).is_integer())
            for v in raw.tolist())):
        raise ValueError(f"{name} must contain integer group ids; found {raw.tolist()}.")
    groups = raw.astype(np.int64)
    if groups.min() < 0:
        i = int(np.argmin(groups))
        raise ValueError(f"{name}[{i}] is {int(groups[i])}; group ids must be >= 0.")
    n_groups = int(groups.max()) + 1
    unused = np.setdiff1d(np.arange(n_groups), groups)
    if unused.size:
        raise ValueError(
            f"{name} uses ids up to {n_groups - 1} but never uses {unused.tolist()}; "
            "number the groups 0..n_groups-1 without gaps (np.unique(g, return_inverse=True)[1] "
            "relabels them).")
    return groups


def n_groups_of(groups):
    return int(groups.max()) + 1 if len(groups) else 0


def onehot(groups, n_groups=None):
    """(n_slots, n_groups) 0/1 matrix; ``onehot(g).T @ per_slot`` pools per group."""
    n_groups = n_groups_of(groups) if n_groups is None else n_groups
    out = np.zeros((len(groups), n_groups))
    out[np.arange(len(groups)), groups] = 1.0
    return out


def pool(per_slot, groups, n_groups=None):
    """Sum ``per_slot`` (n_slots, ...) over the slots of each group -> (n_groups, ...)."""
    n_groups = n_groups_of(groups) if n_groups is None else n_groups
    per_slot = np.asarray(per_slot)
    pooled = np.zeros((n_groups,) + per_slot.shape[1:], dtype=np.result_type(per_slot, float))
    np.add.at(pooled, groups, per_slot)
    return pooled


def members(groups):
    """List of index arrays, one per group: the slots that share it."""
    order = np.argsort(groups, kind="stable")
    counts = np.bincount(groups)
    return np.split(order, np.cumsum(counts)[:-1])


def is_tie_consistent(per_slot, groups, rtol=1e-12, atol=0.0):
    """True if all slots of every group hold the same value; else the first offending group."""
    per_slot = np.asarray(per_slot)
    for g, idx in enumerate(members(groups)):
        ref = per_slot[idx[0]]
        for s in idx[1:]:
            if not np.allclose(per_slot[s], ref, rtol=rtol, atol=atol):
                return False, g, int(idx[0]), int(s)
    return True, None, None, None
