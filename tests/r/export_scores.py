"""Write the demo data's scale scores for the R reference script (tests/r/thesis_reference.R).

    .venv/bin/python tests/r/export_scores.py
"""

from monitor import load_responses, theme_scores
from monitor.core.config import DEMO_DATA, PROJECT_ROOT

COLUMNS = ["wave", "region", "organisation_type", "trust_index", "transformatieresultaten",
           "contextuele_factoren", "betekenisgeving", "argumentatief_proces", "reflectief_proces", "balans_relatie",
           "partnerschap", "constructief_conflict"]

if __name__ == "__main__":
    scores = theme_scores(load_responses(DEMO_DATA))
    scores[COLUMNS].to_csv(PROJECT_ROOT / "tests" / "data" / "demo_scores.csv", index=False, float_format="%.10g")
