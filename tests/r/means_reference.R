# Reference outputs from lavaan for mean structures in monitor.stats.sem.cfa (tests/test_cfa.py, issue 22):
# `~ 1` in the syntax, cfa(meanstructure = TRUE) and growth(). Run from the repository root
# (R is not needed in CI; the outputs are committed):
#   Rscript tests/r/means_reference.R
# Writes lavaan's Demo.growth to tests/data/demo_growth.csv and, per case,
# tests/expected/cfa_<case>_fit.csv (every fitMeasures value, long) and
# tests/expected/cfa_<case>_est.csv (parameterEstimates(standardized = TRUE)), as cfa_reference.R.
suppressPackageStartupMessages(library(lavaan))
out <- "tests/expected"

save_fit <- function(fit, name) {
  fm <- fitMeasures(fit)
  write.csv(data.frame(measure = names(fm), value = as.numeric(fm)),
            file.path(out, sprintf("cfa_%s_fit.csv", name)), row.names = FALSE)
  pe <- parameterEstimates(fit, standardized = TRUE)
  keep <- intersect(c("lhs", "op", "rhs", "group", "label", "est", "se", "z", "pvalue", "std.all"), names(pe))
  write.csv(pe[, keep], file.path(out, sprintf("cfa_%s_est.csv", name)), row.names = FALSE, na = "")
  invisible(fit)
}

hs <- read.csv("tests/data/holzinger_swineford.csv")
write.csv(lavaan::Demo.growth, "tests/data/demo_growth.csv", row.names = FALSE)
growth_data <- read.csv("tests/data/demo_growth.csv")

hs3 <- "visual =~ x1 + x2 + x3\ntextual =~ x4 + x5 + x6\nspeed =~ x7 + x8 + x9"
# One `~ 1` line turns the mean structure on for every observed variable (lavaan's meanstructure = "default").
save_fit(cfa(paste(hs3, "x1 ~ 1", sep = "\n"), hs), "hs_intercept")
save_fit(cfa(paste(hs3, "x1 ~ 1", sep = "\n"), hs, estimator = "MLR"), "hs_intercept_mlr")
save_fit(cfa(hs3, hs, meanstructure = TRUE), "hs_meanstructure")
# A latent mean, identified by fixing an intercept of each of its indicators.
save_fit(cfa(paste(hs3, "visual ~ 1\nx1 ~ 0*1", sep = "\n"), hs), "hs_latent_mean")
# The paths that already fitted means: several groups, and FIML (the data of cfa_reference.R).
save_fit(cfa(paste(hs3, "x1 ~ 1", sep = "\n"), hs, group = "school"), "hs_intercept_school")
hs_missing <- read.csv("tests/data/holzinger_swineford_missing.csv")
save_fit(cfa(paste(hs3, "visual ~ 1\nx1 ~ 0*1", sep = "\n"), hs_missing, missing = "ml", estimator = "MLR"),
         "hs_latent_mean_fiml_mlr")
# Linear growth (lavaan's tutorial), with and without a time-invariant covariate.
linear <- "i =~ 1*t1 + 1*t2 + 1*t3 + 1*t4\ns =~ 0*t1 + 1*t2 + 2*t3 + 3*t4"
save_fit(growth(linear, growth_data), "growth_linear")
save_fit(growth(linear, growth_data, estimator = "MLR"), "growth_linear_mlr")
save_fit(growth(paste(linear, "i ~ x1 + x2\ns ~ x1 + x2", sep = "\n"), growth_data), "growth_covariates")
