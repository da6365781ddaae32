"""Psychometrics for validating the questionnaire, in one namespace.

The methods live in topic modules and are re-exported here:

- :mod:`monitor.stats.polychoric` — polychoric correlations (``polychoric_matrix``)
- :mod:`monitor.stats.reliability` — alpha with Feldt CI, omega, item analysis
- :mod:`monitor.stats.factor` — KMO, Bartlett, parallel analysis, MAP, EFA, Schmid-Leiman
- :mod:`monitor.stats.sem.measurement` — CFA fit indices and measurement invariance
- :mod:`monitor.stats.sem.cfa` — CFA/SEM from lavaan syntax (ML, MLR, FIML, DWLS, WLSMV)

Each is checked against R ``psych``/``lavaan`` reference outputs in ``tests/expected/``.
"""

from .stats.sem.cfa import CFAFit, CFAWarning, cfa
from .stats.factor import (
                     PsychometricWarning,
                     align_factors,
                     bartlett_sphericity,
                     correlation_matrix,
                     efa,
                     kmo,
                     parallel_analysis,
                     schmid_leiman,
                     velicer_map,
)
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
from .stats.sem.measurement import FIT_CUTOFFS, fit_cfa, measurement_invariance, model_description

__all__ = ["cfa", "CFAFit", "CFAWarning", "PsychometricWarning", "composite_reliability", "ordinal_reliability", "parse_keys",
           "scale_reliability", "FIT_CUTOFFS", "fit_cfa", "measurement_invariance", "model_description", "align_factors", "alpha_if_deleted", "bartlett_sphericity", "correlation_matrix", "cronbach_alpha",
           "efa", "item_analysis", "kmo", "omega", "parallel_analysis", "polychoric", "polychoric_matrix",
           "schmid_leiman", "velicer_map"]
