"""Psychometrics for validating the questionnaire, in one namespace.

The methods live in topic modules and are re-exported here:

- :mod:`monitor.polychoric` — polychoric correlations (``polychoric_matrix``)
- :mod:`monitor.reliability` — alpha with Feldt CI, omega, item analysis
- :mod:`monitor.factor` — KMO, Bartlett, parallel analysis, MAP, EFA, Schmid-Leiman
- :mod:`monitor.sem` — CFA fit indices and measurement invariance

Each is checked against R ``psych``/``lavaan`` reference outputs in ``tests/expected/``.
"""

from .factor import (
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
from .reliability import alpha_if_deleted, cronbach_alpha, item_analysis, omega, reliability_table
from .sem import FIT_CUTOFFS, cfa_model, fit_cfa, measurement_invariance, model_description

__all__ = ["FIT_CUTOFFS", "cfa_model", "fit_cfa", "measurement_invariance", "model_description", "align_factors", "alpha_if_deleted", "bartlett_sphericity", "correlation_matrix", "cronbach_alpha",
           "efa", "item_analysis", "kmo", "omega", "parallel_analysis", "polychoric", "polychoric_matrix",
           "reliability_table", "schmid_leiman", "velicer_map"]
