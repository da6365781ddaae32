# Reference outputs from R (lm, sandwich, lavaan) for the thesis-style models of
# monitor.stats.modelling (tests/test_thesis.py). Run from the repository root (R is not needed
# in CI; the outputs are committed):
#   .venv/bin/python tests/r/export_scores.py && Rscript tests/r/thesis_reference.R
# Written with R 4.2.2, lavaan 0.6-14, sandwich 3.0-2 (Debian bookworm packages r-cran-lavaan,
# r-cran-sandwich).
#
# tests/data/demo_scores.csv holds monitor.theme_scores() of the demo data (written by
# tests/r/export_scores.py), so that R and Python model exactly the same numbers: listwise
# complete rows, every variable z-scored with scale() (SD with n - 1), as zscore() does.
suppressPackageStartupMessages({library(lavaan); library(sandwich)})
out <- "tests/expected"
dir.create(out, showWarnings = FALSE)

sc <- read.csv("tests/data/demo_scores.csv")
factors <- c("contextuele_factoren", "betekenisgeving", "argumentatief_proces", "reflectief_proces",
             "balans_relatie", "partnerschap", "constructief_conflict")
vars <- c("transformatieresultaten", "trust_index", factors)
complete <- sc[complete.cases(sc[, c(vars, "region")]), ]
z <- as.data.frame(scale(complete[, vars]))
z$region <- complete$region

# -- (a) the regression: lm with classical and region-clustered (CR1, HC1) standard errors ------
fit <- lm(as.formula(paste("transformatieresultaten ~", paste(factors, collapse = " + "))), data = z)
vc <- sandwich::vcovCL(fit, cluster = ~region, type = "HC1")
write.csv(data.frame(term = names(coef(fit)), beta = coef(fit), se = sqrt(diag(vcov(fit))),
                     se_cluster = sqrt(diag(vc))),
          file.path(out, "thesis_regression.csv"), row.names = FALSE)
s <- summary(fit)
write.csv(data.frame(n = nobs(fit), clusters = length(unique(z$region)), r2 = s$r.squared, adj_r2 = s$adj.r.squared),
          file.path(out, "thesis_regression_fit.csv"), row.names = FALSE)

# -- (b) the path model: factors -> trust -> results, indirect effects as defined parameters ----
a_paths <- paste0("a", seq_along(factors), "*", factors, collapse = " + ")
path_model <- paste0("trust_index ~ ", a_paths, "\n",
                     "transformatieresultaten ~ ", paste(factors, collapse = " + "), " + b*trust_index\n",
                     paste0("ind", seq_along(factors), " := a", seq_along(factors), "*b", collapse = "\n"))
# ML with the expected information and fixed.x (sem()'s defaults): estimates, SEs, delta-method
# SEs of the defined parameters, and the completely standardized solution.
pm <- sem(path_model, data = z)
pe <- parameterEstimates(pm, standardized = TRUE)
keep <- pe$op %in% c("~", "~~", ":=") & !(pe$lhs %in% factors & pe$rhs %in% factors)  # not the fixed.x moments
write.csv(pe[keep, c("lhs", "op", "rhs", "label", "est", "se", "z", "pvalue", "std.all")],
          file.path(out, "thesis_path_model.csv"), row.names = FALSE)
fm <- fitMeasures(pm, c("chisq", "df", "npar", "ntotal", "logl", "unrestricted.logl"))
write.csv(as.data.frame(as.list(fm)), file.path(out, "thesis_path_model_fit.csv"), row.names = FALSE)

# The same model with se = "bootstrap": 1000 resamples of rows (lavaan resamples cases; it has
# no cluster bootstrap), percentile intervals. Bootstrap draws differ between R and Python, so
# the test compares these in a band, not digit by digit.
set.seed(2026)
pb <- sem(path_model, data = z, se = "bootstrap", bootstrap = 1000)
pbe <- parameterEstimates(pb, boot.ci.type = "perc", level = 0.95)
write.csv(pbe[pbe$op %in% c("~", ":="), c("lhs", "op", "rhs", "label", "est", "se", "ci.lower", "ci.upper")],
          file.path(out, "thesis_path_model_bootstrap.csv"), row.names = FALSE)
