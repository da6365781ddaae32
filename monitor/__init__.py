"""Samenwerkingsmonitor workbench: loading, validation, scoring and psychometrics.

The questionnaire lives in ``data/instrument.yaml``; survey exports are read and checked by
:func:`load_responses`, scored by :mod:`monitor.scoring`, and simulated by
:mod:`monitor.synthetic`.
"""

from importlib.metadata import PackageNotFoundError, version

from .data import DataError, load_responses
from .instrument import Instrument, InstrumentError, load_instrument
from .scoring import aggregate, reverse_key, suppress_small_groups, theme_scores

try:
    __version__ = version("samenwerkingsmonitor")
except PackageNotFoundError:  # running from a source tree that was not installed
    __version__ = "0+unknown"

__all__ = ["DataError", "Instrument", "InstrumentError", "load_instrument", "load_responses",
           "aggregate", "reverse_key", "suppress_small_groups", "theme_scores", "__version__"]
