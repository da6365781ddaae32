# Reference outputs from R psych and lavaan for the psychometrics tests.
# Run from the repository root (R is not needed in CI; the outputs are committed):
#   Rscript tests/r/export_datasets.R && Rscript tests/r/generate_reference.R
# Written with R 4.2.2, psych 2.2.9, lavaan 0.6-14, GPArotation (Debian bookworm packages).
suppressPackageStartupMessages({library(psych); library(lavaan); library(GPArotation)})
out <- "tests/expected"
dir.create(out, showWarnings = FALSE)
w <- function(x, name) write.csv(x, file.path(out, name), row.names = TRUE)

bfi <- read.csv("tests/data/bfi.csv")
demo <- read.csv("data/demo/responses.csv")
trust_items <- c(paste0("nw", 1:4), paste0("pr", 1:4), paste0("co", 1:4), paste0("gw", 1:4),
                 paste0("gz", 1:4), paste0("rm", 1:4))
trust <- demo[demo$wave == 2026, trust_items]
trust[trust == 9] <- NA
write.csv(trust, file.path("tests/data", "demo_trust_2026.csv"), row.names = FALSE, na = "")

# -- polychoric correlations -----------------------------------------------------------------
w(polychoric(bfi)$rho, "polychoric_bfi.csv")
w(polychoric(trust)$rho, "polychoric_demo_trust.csv")
# Unequal numbers of categories: psych switches to per-pair thresholds (global = FALSE).
bfi_mixed <- bfi[, 1:10]
bfi_mixed$A1[bfi_mixed$A1 == 6] <- 5
w(suppressWarnings(polychoric(bfi_mixed))$rho, "polychoric_bfi_mixed.csv")
# cor.smooth on a matrix that is not positive definite.
bad <- matrix(c(1, .9, .9, .1,  .9, 1, .2, .9,  .9, .2, 1, .9,  .1, .9, .9, 1), 4, 4)
w(suppressWarnings(cor.smooth(bad)), "cor_smooth.csv")
