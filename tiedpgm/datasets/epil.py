"""The epilepsy trial of Thall & Vail (1990): seizure counts of 59 patients in 4 periods."""
from importlib import resources

import pandas as pd


def load_epil():
    """Load the ``epil`` table (236 rows), as shipped with statsmodels and R's MASS.

    Returns
    -------
    pandas.DataFrame
        Columns ``y`` (seizure count in a two-week period), ``trt`` ("placebo" or
        "progabide"), ``base`` (baseline count over 8 weeks), ``age``, ``V4``
        (indicator of the 4th period), ``subject`` (1..59), ``period`` (1..4),
        ``lbase``, ``lage`` (centred logs).
    """
    path = resources.files("tiedpgm.datasets").joinpath("data", "epil.csv")
    with resources.as_file(path) as p:
        df = pd.read_csv(p, index_col=0)
    return df.reset_index(drop=True)
