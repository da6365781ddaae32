"""Write the demo data's item answers with their clusters for tests/r/agreement_reference.R.

Three four-item scales (normen en waarden, gelijkwaardigheid, vertrouwen) with region and
organisation as clusters; the don't-know code is already missing after ``load_responses``.

    .venv/bin/python tests/r/export_agreement_items.py
"""

from monitor import load_responses
from monitor.core.config import DEMO_DATA, PROJECT_ROOT

ITEMS = [f"{prefix}{k}" for prefix in ("nw", "gw", "tr") for k in range(1, 5)]

if __name__ == "__main__":
    answers = load_responses(DEMO_DATA)
    answers[["wave", "region", "organisation", *ITEMS]].to_csv(
        PROJECT_ROOT / "tests" / "data" / "demo_items_clusters.csv", index=False)
