# Reference outputs from lavaan (and semTools) for monitor.stats.sem.cfa (tests/test_cfa.py).
# Run from the repository root (R is not needed in CI; the outputs are committed):
#   Rscript tests/r/cfa_reference.R
# Writes the simulated ordinal data sets tests/data/ordinal_*.csv and, per case,
# tests/expected/cfa_<case>_fit.csv (every fitMeasures value, long) and
# tests/expected/cfa_<case>_est.csv (parameterEstimates(standardized = TRUE)).
# The lavaan and semTools versions used are written to tests/expected/cfa_versions.csv.
suppressPackageStartupMessages({library(lavaan); library(semTools)})
out <- "tests/expected"
dir.create(out, showWarnings = FALSE)

hs <- read.csv("tests/data/holzinger_swineford.csv")
bfi <- read.csv("tests/data/bfi.csv")
write.csv(data.frame(package = c("R", "lavaan", "semTools"),
                     version = c(paste(R.version$major, R.version$minor, sep = "."),
                                 as.character(packageVersion("lavaan")), as.character(packageVersion("semTools")))),
          file.path(out, "cfa_versions.csv"), row.names = FALSE)

save_fit <- function(fit, name) {
  fm <- fitMeasures(fit)
  write.csv(data.frame(measure = names(fm), value = as.numeric(fm)),
            file.path(out, sprintf("cfa_%s_fit.csv", name)), row.names = FALSE)
  pe <- parameterEstimates(fit, standardized = TRUE)
  keep <- intersect(c("lhs", "op", "rhs", "group", "label", "est", "se", "z", "pvalue", "std.all"), names(pe))
  write.csv(pe[, keep], file.path(out, sprintf("cfa_%s_est.csv", name)), row.names = FALSE, na = "")
  invisible(fit)
}

# -- simulated ordinal data (seeded): several item counts, 4-7 categories, skew, sparse cells ----------
simulate_ordinal <- function(n, loadings, phi, cuts, seed) {
  set.seed(seed)
  m <- ncol(loadings)
  eta <- matrix(rnorm(n * m), n, m) %*% chol(phi)
  resid <- sqrt(1 - rowSums((loadings %*% phi) * loadings))
  ystar <- eta %*% t(loadings) + matrix(rnorm(n * nrow(loadings)), n) %*% diag(resid)
  items <- sapply(seq_len(nrow(loadings)), function(j) findInterval(ystar[, j], cuts[[(j - 1) %% length(cuts) + 1]]) + 1)
  colnames(items) <- paste0("y", seq_len(nrow(loadings)))
  as.data.frame(items)
}
block <- function(per, values) {
  m <- length(per); l <- matrix(0, sum(per), m)
  l[cbind(seq_len(sum(per)), rep(seq_len(m), per))] <- values
  l
}
# The true models hold a cross-loading the fitted models omit, so that the fit is not perfect.
cross <- function(l, i, k, value) { l[i, k] <- value; l }
# 5-point, 8 items, 2 factors, mildly skewed, n = 600, with a two-level group for invariance.
ord5 <- simulate_ordinal(600, cross(block(c(4, 4), c(.75, .7, .65, .6, .7, .65, .6, .55)), 4, 2, .35),
                         matrix(c(1, .4, .4, 1), 2), list(c(-1.8, -0.9, 0.1, 1.1), c(-1.5, -0.5, 0.4, 1.4)), 101)
ord5$group <- rep(c("gemeente", "zorgaanbieder"), each = 300)
write.csv(ord5, "tests/data/ordinal_5cat_8items.csv", row.names = FALSE)
# 4 categories, 6 items, fitted with 1 factor (true: 2 correlated), strongly skewed (few answers in the lowest category), n = 400.
ord4 <- simulate_ordinal(400, block(c(3, 3), c(.8, .75, .7, .65, .6, .55)), matrix(c(1, .7, .7, 1), 2),
                         list(c(-2.0, -1.2, 0.2), c(-2.2, -1.0, -0.1)), 102)
write.csv(ord4, "tests/data/ordinal_4cat_6items.csv", row.names = FALSE)
# 7 categories, 12 items, 3 factors, sparse extreme categories, n = 800.
ord7 <- simulate_ordinal(800, cross(cross(block(c(4, 4, 4), rep(c(.8, .7, .6, .5), 3)), 5, 1, .3), 12, 2, .35),
                         matrix(c(1, .5, .3, .5, 1, .4, .3, .4, 1), 3),
                         list(c(-2.6, -1.6, -0.7, 0.2, 1.1, 2.4), c(-2.8, -2.0, -1.1, -0.3, 0.8, 2.7)), 103)
write.csv(ord7, "tests/data/ordinal_7cat_12items.csv", row.names = FALSE)

# -- continuous: Holzinger-Swineford ------------------------------------------------------------
hs3 <- "visual =~ x1 + x2 + x3\ntextual =~ x4 + x5 + x6\nspeed =~ x7 + x8 + x9"
save_fit(cfa("visual =~ x1 + x2 + x3 + x9\ntextual =~ x4 + x5 + x6\nspeed =~ x7 + x8 + x9", hs), "hs_cross")
save_fit(cfa(paste(hs3, "x7 ~~ x8", sep = "\n"), hs, estimator = "MLR"), "hs_mlr_rescov")
save_fit(cfa(hs3, hs, estimator = "MLR"), "hs_mlr")
save_fit(cfa("visual =~ x1 + a*x2 + a*x3\ntextual =~ NA*x4 + x5 + x6\nspeed =~ x7 + 0.8*x8 + x9\ntextual ~~ 1*textual\nvisual ~~ 0*speed",
             hs), "hs_fixed_labels")
save_fit(cfa(paste(hs3, "g =~ visual + textual + speed", sep = "\n"), hs), "hs_second_order")
save_fit(cfa(hs3, hs, std.lv = TRUE), "hs_std_lv")
save_fit(sem(paste(hs3, "speed ~ visual + textual", "visual ~ ageyr", sep = "\n"), hs), "hs_regression")
save_fit(sem(paste(hs3, "speed ~ visual + textual", "visual ~ ageyr", sep = "\n"), hs, estimator = "MLR"),
         "hs_regression_mlr")
# FIML: about 12% of the item values removed at random (seeded), missing more often for older pupils.
set.seed(104)
hs_missing <- hs[, c("id", "school", "ageyr", paste0("x", 1:9))]
for (j in paste0("x", 1:9)) {
  hs_missing[[j]][runif(nrow(hs)) < ifelse(hs$ageyr > 13, .18, .06)] <- NA
}
write.csv(hs_missing, "tests/data/holzinger_swineford_missing.csv", row.names = FALSE, na = "")
save_fit(cfa(hs3, hs_missing, missing = "ml"), "hs_fiml")
save_fit(cfa(hs3, hs_missing, missing = "ml", estimator = "MLR"), "hs_fiml_mlr")
save_fit(cfa(hs3, hs_missing), "hs_listwise")
save_fit(cfa(hs3, hs_missing, missing = "ml", estimator = "MLR", group = "school"), "hs_fiml_mlr_school")
# Strict (residual) invariance by school.
for (step in list(c("configural"), c("loadings"), c("loadings", "intercepts"),
                  c("loadings", "intercepts", "residuals"))) {
  equal <- if (step[1] == "configural") "" else step
  save_fit(cfa(hs3, hs, group = "school", group.equal = equal),
           paste0("hs_invariance_", if (step[1] == "configural") "configural" else paste(step, collapse = "_")))
}

# -- ordinal: DWLS and WLSMV ------------------------------------------------------------------------
two <- "f1 =~ y1 + y2 + y3 + y4\nf2 =~ y5 + y6 + y7 + y8"
save_fit(cfa(two, ord5[, 1:8], ordered = TRUE, estimator = "WLSMV"), "ord5_wlsmv")
save_fit(cfa(two, ord5[, 1:8], ordered = TRUE, estimator = "DWLS"), "ord5_dwls")
save_fit(cfa("f =~ y1 + y2 + y3 + y4 + y5 + y6", ord4, ordered = TRUE, estimator = "WLSMV"), "ord4_wlsmv")
save_fit(cfa("f1 =~ y1 + y2 + y3 + y4\nf2 =~ y5 + y6 + y7 + y8\nf3 =~ y9 + y10 + y11 + y12",
             ord7, ordered = TRUE, estimator = "WLSMV"), "ord7_wlsmv")
# Mixed: only some items declared ordered is not supported by monitor.stats.sem.cfa; all items ordered.
bfi_complete <- na.omit(bfi)
bfi_model <- paste(sapply(c("A", "C", "E", "N", "O"), function(f) paste0(f, " =~ ", paste0(f, 1:5, collapse = " + "))),
                   collapse = "\n")
save_fit(cfa(bfi_model, bfi_complete, ordered = TRUE, estimator = "WLSMV"), "bfi_wlsmv")

# Ordinal invariance (Wu & Estabrook 2016 identification, semTools::measEq.syntax).
for (step in list("configural", "thresholds", c("thresholds", "loadings"),
                  c("thresholds", "loadings", "intercepts"))) {
  syntax <- measEq.syntax(configural.model = two, data = ord5, ordered = paste0("y", 1:8), group = "group",
                          parameterization = "delta", ID.fac = "std.lv", ID.cat = "Wu.Estabrook.2016",
                          group.equal = if (step[1] == "configural") "" else step)
  fit <- cfa(as.character(syntax), ord5, ordered = paste0("y", 1:8), group = "group", estimator = "WLSMV",
             parameterization = "delta")
  save_fit(fit, paste0("ord5_invariance_", paste(step, collapse = "_")))
}
