"""Psychometrics for validating the questionnaire, in one namespace.

The methods live in topic modules and are re-exported here:

- :mod:`monitor.stats.polychoric` — polychoric correlations (``polychoric_matrix``)
- :mod:`monitor.stats.reliability` — alpha with Feldt CI, omega, item analysis
- :mod:`monitor.stats.correlation` — item correlations, KMO, Bartlett
- :mod:`monitor.stats.factor_retention` — parallel analysis, MAP
- :mod:`monitor.stats.factor` — EFA (extraction in :mod:`monitor.stats.factor_extraction`), Schmid-Leiman
- :mod:`monitor.stats.agreement` — is aggregation to clusters justified: ICC(1), ICC(2), rwg(J)
- :mod:`monitor.stats.sem.measurement` — CFA fit indices and measurement invariance
- :mod:`monitor.stats.sem.cfa` — CFA/SEM from lavaan syntax (ML, MLR, FIML, DWLS, WLSMV), growth curves
- :mod:`monitor.stats.warnings` — the warning classes (``PsychometricWarning``, ``CFAWarning``)

Each is checked against R ``psych``/``lavaan``/``multilevel`` reference outputs in ``tests/expected/``.
"""

from .stats.agreement import icc, rwg_j
from .stats.correlation import bartlett_sphericity, correlation_matrix, kmo
from .stats.factor import align_factors, efa, schmid_leiman
from .stats.factor_retention import parallel_analysis, velicer_map
from .stats.polychoric import polychoric, polychoric_matrix
from .stats.reliability import (
                     alpha_if_deleted,
                     composite_reliability,
                     cronbach_alpha,
                     item_analysis,
                     omega,
                     ordinal_reliability,
                     parse_keys,
                     scale_reliability,
)
from .stats.sem.cfa import CFAFit, cfa, growth
from .stats.sem.measurement import FIT_CUTOFFS, fit_cfa, measurement_invariance, model_description
from .stats.warnings import CFAWarning, PsychometricWarning

__all__ = ["cfa", "CFAFit", "CFAWarning", "PsychometricWarning", "composite_reliability", "ordinal_reliability", "parse_keys",
           "scale_reliability", "FIT_CUTOFFS", "fit_cfa", "measurement_invariance", "model_description", "align_factors", "alpha_if_deleted", "bartlett_sphericity", "correlation_matrix", "cronbach_alpha",
           "efa", "growth", "icc", "item_analysis", "kmo", "omega", "parallel_analysis", "polychoric", "polychoric_matrix",
           "rwg_j", "schmid_leiman", "velicer_map"]
