"""Sequences in, codes out: str, bytes, Biopython Seq/SeqRecord, integer arrays, FASTA.

Letters are matched case-insensitively (input is upper-cased). A symbol outside the
alphabet is a ValueError naming the sequence and the 0-based position. With
``wildcard="NX"`` the listed ambiguity letters map to one extra code ``len(alphabet)``
that emits with the background (its emission probabilities are marginalised over
the alphabet, so it neither rewards nor penalises an alignment column).
"""
import os

import numpy as np


def _seq_id(seq, default):
    rid = getattr(seq, "id", None)
    return rid if rid not in (None, "", "<unknown id>") else default


def sequence_text(seq):
    """Return the symbols of ``seq`` as a str, or None for integer arrays."""
    if isinstance(seq, str):
        return seq
    if isinstance(seq, (bytes, bytearray)):
        return bytes(seq).decode("ascii", errors="replace")
    inner = getattr(seq, "seq", None)           # SeqRecord
    if inner is not None and not isinstance(seq, np.ndarray):
        return str(inner)
    if type(seq).__name__ in ("Seq", "MutableSeq"):
        return str(seq)
    return None


class Encoder:
    """Map symbols of ``alphabet`` (plus optional wildcard letters) to integer codes."""

    def __init__(self, alphabet, wildcard=None):
        if not isinstance(alphabet, str) or len(alphabet) == 0:
            raise ValueError(f"alphabet must be a non-empty string of symbols; got {alphabet!r}.")
        up = alphabet.upper()
        if len(set(up)) != len(up):
            raise ValueError(f"alphabet {alphabet!r} repeats a symbol (case-insensitively).")
        self.alphabet = up
        self.wildcard = (wildcard or "").upper()
        clash = set(self.wildcard) & set(up)
        if clash:
            raise ValueError(f"wildcard letters {''.join(sorted(clash))!r} are also in the "
                             f"alphabet {alphabet!r}; a wildcard must be outside it.")
        self.n_codes = len(up) + (1 if self.wildcard else 0)
        table = np.full(256, -1, dtype=np.int16)
        for c, a in enumerate(up):
            table[ord(a)] = c
            table[ord(a.lower())] = c
        for a in self.wildcard:
            table[ord(a)] = len(up)
            table[ord(a.lower())] = len(up)
        self._table = table

    def decode(self, codes):
        letters = self.alphabet + ("*" if self.wildcard else "")
        return "".join(letters[c] for c in codes)

    def encode(self, seq, seq_id="sequence"):
        """Return (codes uint8 (n,), text str) for one sequence; refuse unknown symbols."""
        text = sequence_text(seq)
        if text is None:
            arr = np.asarray(seq)
            if arr.ndim != 1 or not (np.issubdtype(arr.dtype, np.integer) or arr.size == 0):
                raise TypeError(
                    f"{seq_id} is a {type(seq).__name__}; give a str, bytes, Biopython "
                    "Seq/SeqRecord or a 1-D integer array of symbol codes.")
            arr = arr.astype(np.int64)
            bad = np.flatnonzero((arr < 0) | (arr >= self.n_codes))
            if bad.size:
                p = int(bad[0])
                raise ValueError(
                    f"{seq_id} contains code {int(arr[p])} at position {p}, outside 0.."
                    f"{self.n_codes - 1} for alphabet {self.alphabet!r}.")
            codes = arr.astype(np.uint8)
            return codes, self.decode(codes)
        raw = np.frombuffer(text.encode("latin-1", errors="replace"), dtype=np.uint8)
        codes = self._table[raw]
        bad = np.flatnonzero(codes < 0)
        if bad.size:
            p = int(bad[0])
            hint = ""
            if text[p] in "-.":
                hint = " Remove gap characters before aligning."
            elif text[p].upper() in "NXBZJUO":
                hint = f" To treat ambiguity codes as wildcards pass wildcard={text[p].upper()!r}."
            raise ValueError(
                f"{seq_id} contains symbol {text[p]!r} at position {p}, not in alphabet "
                f"{self.alphabet!r}.{hint}")
        return codes.astype(np.uint8), text.upper()


def read_fasta(path):
    """Read FASTA records with Biopython; a malformed file is a ValueError naming it."""
    if not os.path.exists(path):
        raise FileNotFoundError(f"no such file: {path}")
    with open(path, "r", errors="replace") as fh:
        head = ""
        for line in fh:
            if line.strip():
                head = line
                break
    if not head.startswith(">"):
        raise ValueError(
            f"{path} is not FASTA: the first non-empty line should start with '>', found "
            f"{head[:30].rstrip()!r}.")
    try:
        from Bio import SeqIO
    except ImportError as exc:  # pragma: no cover
        raise ImportError("reading FASTA needs Biopython: pip install 'tiedpgm[bio]'") from exc
    try:
        records = list(SeqIO.parse(path, "fasta"))
    except Exception as exc:  # Biopython raises several types on malformed input
        raise ValueError(f"{path} is not valid FASTA: {exc}") from exc
    if not records:
        raise ValueError(f"{path} contains no FASTA records.")
    return records
