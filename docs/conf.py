"""Sphinx configuration for the tiedpgm documentation (built with -W in CI)."""
import os
import sys

sys.path.insert(0, os.path.abspath(".."))

import tiedpgm  # noqa: E402

project = "tiedpgm"
author = "the tiedpgm developers"
copyright = "2026, the tiedpgm developers"
release = tiedpgm.__version__
version = release

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.mathjax",
    "sphinx.ext.intersphinx",
    "numpydoc",
    "myst_parser",
]
source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
myst_enable_extensions = ["dollarmath", "amsmath"]
myst_heading_anchors = 3
exclude_patterns = ["_build"]
numpydoc_show_class_members = False
numpydoc_xref_param_type = False
autodoc_default_options = {"members": True, "inherited-members": False}
autodoc_mock_imports = ["cupy", "dask", "distributed"]
html_theme = "alabaster"
html_static_path = ["_static"]
suppress_warnings = ["myst.header"]
nitpicky = False


def _skip_sklearn_plumbing(app, what, name, obj, skip, options):
    # scikit-learn's metadata-routing setters (set_fit_request, ...) are generated
    # per estimator and documented by scikit-learn, not here
    if name.startswith("set_") and name.endswith("_request"):
        return True
    return None


def setup(app):
    app.connect("autodoc-skip-member", _skip_sklearn_plumbing)
