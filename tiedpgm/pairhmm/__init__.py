"""Pair HMMs for symmetric probabilistic alignment (Durbin et al. ch. 4).

>>> import tiedpgm as tp
>>> ph = tp.PairHMM.from_preset("protein")
>>> aln = ph.align("HEAGAWGHEE", "PAWHEAE")          # maximum expected accuracy
>>> aln.cigar, aln.expected_accuracy                  # doctest: +SKIP
"""
from .model import Alignment, PairHMM

__all__ = ["Alignment", "PairHMM"]
