"""Print the largest difference between our results and each R reference file.

    .venv/bin/python tests/r/report_differences.py

The tests assert the stated tolerances; this script shows how far inside them we are.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from monitor.core.config import PROJECT_ROOT
from monitor.psychometrics import (
    bartlett_sphericity,
    correlation_matrix,
    cronbach_alpha,
    efa,
    fit_cfa,
    item_analysis,
    kmo,
    measurement_invariance,
    omega,
    polychoric_matrix,
    velicer_map,
)
from monitor.stats.factor import align_factors
from monitor.stats.factor_retention import fa_eigenvalues

DATA, EXPECTED = PROJECT_ROOT / "tests" / "data", PROJECT_ROOT / "tests" / "expected"
THEMES = {"normen_waarden": "nw", "professionaliteit": "pr", "communicatie": "co",
          "gelijkwaardigheid": "gw", "gezamenlijkheid": "gz", "rentmeesterschap": "rm"}
TARGET = {f"{p}{k}": t for t, p in THEMES.items() for k in range(1, 5)}
HS = {"visual": ["x1", "x2", "x3"], "textual": ["x4", "x5", "x6"], "speed": ["x7", "x8", "x9"]}
FIT = [("chi2", "chisq"), ("cfi", "cfi"), ("tli", "tli"), ("rmsea", "rmsea"), ("rmsea_low", "rmsea.ci.lower"),
       ("rmsea_high", "rmsea.ci.upper"), ("srmr", "srmr")]


def row(what, diff, tolerance):
    print(f"{what:<46} {diff:10.2e}   (tolerance {tolerance})")


def main():
    bfi = pd.read_csv(DATA / "bfi.csv")
    keyed = pd.read_csv(DATA / "demo_trust_2026.csv")
    for item in ("nw4", "co4", "gw3"):
        keyed[item] = 6 - keyed[item]
    mixed = bfi.iloc[:, :10].copy()
    mixed.loc[mixed["A1"] == 6, "A1"] = 5
    for name, frame in [("bfi", bfi), ("demo_trust", pd.read_csv(DATA / "demo_trust_2026.csv")), ("bfi_mixed", mixed)]:
        ref = pd.read_csv(EXPECTED / f"polychoric_{name}.csv", index_col=0).to_numpy()
        row(f"polychoric {name}", np.abs(polychoric_matrix(frame).to_numpy() - ref).max(), 0.005)

    rel = pd.read_csv(EXPECTED / "reliability_demo.csv").set_index("scale")
    diffs = {"alpha": [], "feldt": [], "omega": []}
    for theme, prefix in THEMES.items():
        items = keyed[[f"{prefix}{k}" for k in range(1, 5)]]
        a, o = cronbach_alpha(items), omega(items)
        diffs["alpha"] += [abs(a["alpha"] - rel.loc[theme, "alpha"]), abs(a["std_alpha"] - rel.loc[theme, "std_alpha"])]
        diffs["feldt"] += [abs(a["ci_low"] - rel.loc[theme, "ci_low"]), abs(a["ci_high"] - rel.loc[theme, "ci_high"])]
        diffs["omega"] += [abs(o["omega_total"] - rel.loc[theme, "omega_total"])]
    row("alpha and standardized alpha (6 themes)", max(diffs["alpha"]), 0.001)
    row("alpha Feldt CI bounds", max(diffs["feldt"]), 0.001)
    row("omega total (6 themes)", max(diffs["omega"]), 0.001)
    o6, r6 = omega(keyed, n_factors=6), pd.read_csv(EXPECTED / "omega6_demo.csv").iloc[0]
    row("omega hierarchical (Schmid-Leiman, 6 factors)", abs(o6["omega_hierarchical"] - r6["omega_h"]), 0.001)
    items = pd.read_csv(EXPECTED / "alpha_items_gelijkwaardigheid.csv").set_index("item")
    table = item_analysis(keyed[["gw1", "gw2", "gw3", "gw4"]])
    row("item-rest r, alpha if deleted", max(np.abs(table["item_rest_r"] - items["r_drop"]).max(),
                                              np.abs(table["alpha_if_deleted"] - items["alpha_drop"]).max()), 0.001)
    r = correlation_matrix(keyed)
    overall, per = kmo(r)
    k = pd.read_csv(EXPECTED / "kmo_demo.csv").set_index("item")["msa"]
    row("KMO overall and per item", max(abs(overall - k["overall"]), np.abs(per - k.drop("overall")[per.index]).max()),
        0.001)
    b = pd.read_csv(EXPECTED / "bartlett_demo.csv").iloc[0]
    row("Bartlett chi-square (relative)", abs(bartlett_sphericity(r, len(keyed))["chi2"] / b["chisq"] - 1), 0.001)
    po = pd.read_csv(EXPECTED / "parallel_demo_observed.csv")
    row("fa.parallel observed factor eigenvalues", np.abs(fa_eigenvalues(r.to_numpy()) - po["fa_values"]).max(), "-")
    mp = pd.read_csv(EXPECTED / "map_demo.csv").set_index("components")["map"]
    row("Velicer MAP", np.abs(velicer_map(r)[0][mp.index] - mp).max(), "-")
    rb = correlation_matrix(bfi)
    cases = [("demo_minres_oblimin", keyed, r, 6, "minres", "oblimin", TARGET),
             ("demo_ml_oblimin", keyed, r, 6, "ml", "oblimin", TARGET),
             ("demo_pa_varimax", keyed, r, 6, "pa", "varimax", TARGET),
             ("demo_minres_promax", keyed, r, 6, "minres", "promax", TARGET),
             ("demo_minres_geomin", keyed, r, 6, "minres", "geomin", TARGET),
             ("bfi_minres_oblimin", bfi, rb, 5, "minres", "oblimin", {c: c[0] for c in bfi}),
             ("bfi_ml_varimax", bfi, rb, 5, "ml", "varimax", {c: c[0] for c in bfi}),
             ("bfi_poly_minres_oblimin", bfi, polychoric_matrix(bfi), 5, "minres", "oblimin", {c: c[0] for c in bfi})]
    for name, data, rr, nf, fm, rot, target in cases:
        res = efa(rr, nf, fm, rot, n_obs=len(data), target=target)
        ref = pd.read_csv(EXPECTED / f"efa_{name}_loadings.csv", index_col=0)
        aligned, _, _ = align_factors(ref.to_numpy(), np.eye(nf), list(ref.index), target)
        row(f"EFA loadings {name}", np.abs(res.loadings_.to_numpy() - aligned).max(), 0.02)
        fit = pd.read_csv(EXPECTED / f"efa_{name}_fit.csv").iloc[0]
        if fm == "ml":
            row(f"EFA TLI/RMSEA {name}", max(abs(res.fit_["tli"] - fit["TLI"]), abs(res.fit_["rmsea"] - fit["RMSEA"])),
                0.002)
    hs = pd.read_csv(DATA / "holzinger_swineford.csv")
    ours, ref = fit_cfa(hs, HS).fit, pd.read_csv(EXPECTED / "lavaan_hs_cfa.csv").iloc[0]
    row("CFA HS chi-square (relative)", abs(ours["chi2"] / ref["chisq"] - 1), "0.1%")
    row("CFA HS CFI/TLI/RMSEA(+CI)/SRMR", max(abs(ours[a] - ref[b]) for a, b in FIT[1:]), 0.002)
    inv, ref = measurement_invariance(hs, HS, "school"), pd.read_csv(EXPECTED / "lavaan_hs_invariance.csv", index_col=0)
    row("invariance HS chi-square (relative)", max(abs(inv.loc[s, "chi2"] / ref.loc[s, "chisq"] - 1) for s in inv.index),
        "0.1%")
    row("invariance HS CFI/TLI/RMSEA(+CI)/SRMR", max(abs(inv.loc[s, a] - ref.loc[s, b]) for s in inv.index
                                                     for a, b in FIT[1:]), 0.002)


if __name__ == "__main__":
    main()
