"""Psychometrics for validating the questionnaire, in one namespace.

The methods live in topic modules and are re-exported here:

- :mod:`monitor.polychoric` — polychoric correlations (``polychoric_matrix``)
- :mod:`monitor.reliability` — alpha with Feldt CI, omega, item analysis
- :mod:`monitor.factor` — KMO, Bartlett, parallel analysis, MAP, EFA, Schmid-Leiman
- :mod:`monitor.sem` — CFA fit indices and measurement invariance
- :mod:`monitor.cfa` — CFA/SEM from lavaan syntax (ML, MLR, FIML, DWLS, WLSMV)

Each is checked against R ``psych``/``lavaan`` reference outputs in ``tests/expected/``.
"""

from .cfa import CFAFit, CFAWarning, cfa
from .factor import (
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
from .polychoric import polychoric, polychoric_matrix
from .reliability import (
                     alpha_if_deleted,
                     composite_reliability,
                     cronbach_alpha,
                     item_analysis,
                     omega,
                     ordinal_reliability,
                     parse_keys,
                     scale_reliability,
)
from .sem import FIT_CUTOFFS, fit_cfa, measurement_invariance, model_description

__all__ = ["cfa", "CFAFit", "CFAWarning", "PsychometricWarning", "composite_reliability", "ordinal_reliability", "parse_keys",
           "scale_reliability", "FIT_CUTOFFS", "fit_cfa", "measurement_invariance", "model_description", "align_factors", "alpha_if_deleted", "bartlett_sphericity", "correlation_matrix", "cronbach_alpha",
           "efa", "item_analysis", "kmo", "omega", "parallel_analysis", "polychoric", "polychoric_matrix",
           "schmid_leiman", "velicer_map"]
