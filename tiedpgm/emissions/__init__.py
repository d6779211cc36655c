"""Emission families: one parameter set per tie group, pooled sufficient statistics.

See :mod:`tiedpgm.emissions.base` for the interface and its extension points.
"""
from .base import EmissionFamily, add_stats
from .categorical import CategoricalEmissions
from .gaussian import COVARIANCE_TYPES, GaussianEmissions
from .gmm import GMMEmissions
from .poisson import PoissonEmissions

__all__ = ["EmissionFamily", "add_stats", "CategoricalEmissions", "GaussianEmissions",
           "COVARIANCE_TYPES", "PoissonEmissions", "GMMEmissions"]
