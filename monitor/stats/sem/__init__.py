"""Structural equation models from lavaan syntax, bottom to top: the parser (``syntax``), the
parameter table (``partable``), ordinal statistics (``ordinal``), the RAM engine (``ram``), fit
indices (``fit``) and measures (``fit_measures``), estimates (``estimates``), the entry point
(``cfa``), resampling (``bootstrap``), score tests (``modindices``) and the instrument's CFA
(``measurement``)."""
