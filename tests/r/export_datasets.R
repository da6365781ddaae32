# Export the public datasets the reference tests use, so that Python reads exactly what R read.
# Run from the repository root: Rscript tests/r/export_datasets.R
suppressPackageStartupMessages({library(psych); library(lavaan)})
dir.create("tests/data", showWarnings = FALSE)
# psych::bfi: 2,800 respondents x 25 six-point personality items (SAPA project), real ordinal data.
write.csv(psych::bfi[, 1:25], "tests/data/bfi.csv", row.names = FALSE, na = "")
# lavaan::HolzingerSwineford1939: the classic CFA example.
write.csv(lavaan::HolzingerSwineford1939, "tests/data/holzinger_swineford.csv", row.names = FALSE, na = "")
