"""TIDIGITS MFCC frames bundled from Debian's ``pocketsphinx-testdata``.

31 utterances of connected digits (two speakers, ``man.ah`` and ``woman.ak``),
13 mel-frequency cepstral coefficients per 10 ms frame. Provenance and licence
(BSD-2-Clause, Carnegie Mellon University): ``data/tidigits/README.md`` next to
this module.
"""
import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

DATA_DIR = Path(__file__).resolve().parent / "data" / "tidigits"
N_CEPSTRA = 13
FRAME_RATE = 100


@dataclass
class TIDigits:
    """Concatenated MFCC frames of the TIDIGITS test utterances.

    Attributes
    ----------
    X : ndarray, shape (n_frames, 13), float64
        Cepstra c0..c12 of all utterances, concatenated in ``utterance_ids`` order.
    lengths : ndarray of int64, shape (n_utterances,)
        Frames per utterance; ``lengths.sum() == len(X)``.
    utterance_ids : list of str
        E.g. ``"man.ah.111a"``.
    transcripts : list of list of str
        Spoken words per utterance, e.g. ``["one", "one", "one"]``.
    speakers : list of str
        ``"man.ah"`` or ``"woman.ak"``.
    frame_rate : int
        Frames per second (100).
    """

    X: np.ndarray
    lengths: np.ndarray
    utterance_ids: list
    transcripts: list
    speakers: list = field(default_factory=list)
    frame_rate: int = FRAME_RATE

    @property
    def offsets(self):
        """ndarray, shape (n_utterances + 1,): start row of each utterance, then len(X)."""
        return np.concatenate([[0], np.cumsum(self.lengths)])

    def __len__(self):
        return len(self.lengths)

    def sequence(self, i):
        """Frames of utterance ``i``, shape (lengths[i], 13)."""
        o = self.offsets
        return self.X[o[i]:o[i + 1]]

    def subset(self, indices):
        """A new :class:`TIDigits` with the utterances ``indices`` (in that order)."""
        indices = [int(i) for i in indices]
        return TIDigits(
            X=np.concatenate([self.sequence(i) for i in indices]),
            lengths=self.lengths[indices].copy(),
            utterance_ids=[self.utterance_ids[i] for i in indices],
            transcripts=[list(self.transcripts[i]) for i in indices],
            speakers=[self.speakers[i] for i in indices],
            frame_rate=self.frame_rate)

    def train_test_split(self, n_test=6):
        """Split into (train, test); the test set is every ``n // n_test``-th utterance.

        Deterministic and balanced over the two speakers (their utterances are
        listed one speaker after the other).
        """
        n = len(self)
        step = n // n_test
        test = list(range(step // 2, n, step))[:n_test]
        train = [i for i in range(n) if i not in set(test)]
        return self.subset(train), self.subset(test)


def read_mfc(path):
    """Read one Sphinx ``.mfc`` file: big-endian int32 value count, then float32 values.

    Returns
    -------
    ndarray, shape (n_frames, 13), float64
    """
    raw = Path(path).read_bytes()
    if len(raw) < 4:
        raise ValueError(f"{path} is not a Sphinx .mfc file (only {len(raw)} bytes).")
    n_values = int(np.frombuffer(raw[:4], dtype=">i4")[0])
    if n_values != (len(raw) - 4) // 4 or n_values % N_CEPSTRA:
        raise ValueError(
            f"{path}: header says {n_values} values but the file holds "
            f"{(len(raw) - 4) // 4}; expected a multiple of {N_CEPSTRA} cepstra.")
    return np.frombuffer(raw[4:], dtype=">f4").astype(np.float64).reshape(-1, N_CEPSTRA)


def _read_transcripts(path):
    out = {}
    for line in Path(path).read_text().splitlines():
        line = line.strip()
        if not line:
            continue
        words, _, utt = line.rpartition("(")
        out[utt.rstrip(")").strip()] = words.split()
    return out


def load_tidigits(data_dir=None):
    """Load the bundled TIDIGITS MFCC features (31 utterances, no download).

    Parameters
    ----------
    data_dir : str or os.PathLike, optional
        Folder with the ``.mfc`` files, ``tidigits.ctl`` and ``tidigits.lsn``;
        default: the copy inside the package.

    Returns
    -------
    TIDigits
        ``.X`` (n_frames, 13) float64, ``.lengths``, ``.utterance_ids``,
        ``.transcripts`` (list of lists of words), ``.speakers``.

    Examples
    --------
    >>> from tiedpgm.datasets import load_tidigits
    >>> d = load_tidigits()
    >>> d.X.shape[1], len(d.lengths)
    (13, 31)
    """
    folder = Path(os.fspath(data_dir)) if data_dir is not None else DATA_DIR
    ctl = folder / "tidigits.ctl"
    if not ctl.exists():
        raise FileNotFoundError(
            f"{ctl} not found; the TIDIGITS files should be installed with tiedpgm "
            "(reinstall it, or pass data_dir= pointing at a copy).")
    ids = [line.strip() for line in ctl.read_text().splitlines() if line.strip()]
    words = _read_transcripts(folder / "tidigits.lsn")
    frames = [read_mfc(folder / f"{u}.mfc") for u in ids]
    return TIDigits(
        X=np.ascontiguousarray(np.concatenate(frames)),
        lengths=np.array([len(f) for f in frames], dtype=np.int64),
        utterance_ids=ids,
        transcripts=[words[u] for u in ids],
        speakers=[".".join(u.split(".")[:2]) for u in ids])
