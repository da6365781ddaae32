"""Samenwerkingsmonitor workbench: loading, validation, scoring and psychometrics.

The questionnaire lives in ``data/instrument.yaml``; survey exports are read and checked by
:func:`load_responses`, scored by :mod:`monitor.survey.scoring`, and simulated by
:mod:`monitor.survey.synthetic`.
"""

from importlib import import_module
from importlib.metadata import PackageNotFoundError, version

#: Public names and their modules, imported on first use (PEP 562): ``import monitor.reports.notebook``
#: in a report's kernel does not load the data readers and statistics it never calls.
_LAZY = {"DataError": "survey.sources", "load_responses": "survey.responses", "read_responses": "survey.responses",
         "Responses": "survey.responses", "Instrument": "survey.instrument",
         "InstrumentError": "survey.instrument", "load_instrument": "survey.instrument",
         "aggregate": "survey.scoring", "reverse_key": "survey.scoring", "suppress_small_groups": "survey.scoring",
         "theme_scores": "survey.scoring"}


def __getattr__(name: str):
    if name in _LAZY:
        return getattr(import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


try:
    __version__ = version("samenwerkingsmonitor")
except PackageNotFoundError:  # running from a source tree that was not installed
    __version__ = "0+unknown"

__all__ = ["DataError", "Instrument", "InstrumentError", "load_instrument", "load_responses", "read_responses",
           "Responses", "aggregate", "reverse_key", "suppress_small_groups", "theme_scores", "__version__"]
