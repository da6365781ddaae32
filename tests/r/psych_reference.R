# Reference outputs for "any questionnaire" reliability: psych's bfi with its scoring keys.
# Run from the repository root (R is not needed in CI; the outputs are committed):
#   Rscript tests/r/export_datasets.R && Rscript tests/r/psych_reference.R
# Written with R 4.2.2, psych 2.2.9, lavaan 0.6-14, semTools 0.5-6 (Debian bookworm packages).
suppressPackageStartupMessages({library(psych); library(lavaan); library(semTools)})
out <- "tests/expected"
dir.create(out, showWarnings = FALSE)

bfi <- read.csv("tests/data/bfi.csv")
# psych::bfi.keys, written out so that the Python test reads the same keys (a leading "-" reverses).
keys <- list(A = c("-A1", "A2", "A3", "A4", "A5"), C = c("C1", "C2", "C3", "-C4", "-C5"),
             E = c("-E1", "-E2", "E3", "E4", "E5"), N = c("N1", "N2", "N3", "N4", "N5"),
             O = c("O1", "-O2", "O3", "O4", "-O5"))
plain <- function(k) sub("^-", "", k)
reversed <- unlist(lapply(keys, function(k) plain(k[startsWith(k, "-")])))
keyed <- bfi
keyed[reversed] <- 7 - keyed[reversed]  # 1..6 answers: psych reverses as max + min - x

# -- per scale: alpha with keys, omega, ordinal alpha and omega --------------------------------
quiet <- function(expr) suppressWarnings(suppressMessages(expr))
rel <- do.call(rbind, lapply(names(keys), function(s) {
  items <- plain(keys[[s]])
  a <- psych::alpha(bfi[items], keys = plain(keys[[s]][startsWith(keys[[s]], "-")]), warnings = FALSE)
  o <- quiet(omega(keyed[items], nfactors = 1, plot = FALSE))
  rho <- quiet(polychoric(keyed[items]))$rho
  ao <- psych::alpha(rho, warnings = FALSE)
  oo <- quiet(omega(rho, nfactors = 1, plot = FALSE))
  data.frame(scale = s, alpha = a$total$raw_alpha, std_alpha = a$total$std.alpha,
             average_r = a$total$average_r, ci_low = a$feldt$lower.ci[[1]], ci_high = a$feldt$upper.ci[[1]],
             omega_total = o$omega.tot, omega_h = o$omega_h,
             ordinal_alpha = ao$total$raw_alpha, ordinal_omega_total = oo$omega.tot, n = nrow(bfi))
}))
write.csv(rel, file.path(out, "bfi_keys_reliability.csv"), row.names = FALSE)

# -- omega of all 25 items: psych flips items to the general factor by default -------------------
om <- do.call(rbind, lapply(c(3, 5), function(nf) {
  flipped <- quiet(omega(bfi, nfactors = nf, plot = FALSE))
  unflipped <- quiet(omega(bfi, nfactors = nf, plot = FALSE, flip = FALSE))
  sign_key <- ifelse(names(bfi) %in% reversed, -1, 1)  # psych's key: scoring keys given, no flip
  with_key <- quiet(omega(bfi, nfactors = nf, plot = FALSE, key = sign_key))
  data.frame(nfactors = nf, omega_h = flipped$omega_h, omega_total = flipped$omega.tot,
             omega_h_noflip = unflipped$omega_h, omega_total_noflip = unflipped$omega.tot,
             omega_h_keys = with_key$omega_h, omega_total_keys = with_key$omega.tot)
}))
write.csv(om, file.path(out, "bfi_omega_general.csv"), row.names = FALSE)

# -- a zero-variance item: psych::alpha drops it with a warning ---------------------------------
with_constant <- keyed[plain(keys$C)]
with_constant$Z <- 3
a0 <- quiet(psych::alpha(with_constant))
write.csv(data.frame(alpha = a0$total$raw_alpha, std_alpha = a0$total$std.alpha, k = ncol(with_constant) - 1),
          file.path(out, "bfi_zero_variance_alpha.csv"), row.names = FALSE)

# -- suitability on the polychoric matrix, as the validity notebook computes it -----------------
rho_all <- quiet(polychoric(keyed))$rho
k <- KMO(rho_all)
b <- cortest.bartlett(rho_all, n = nrow(keyed))
write.csv(data.frame(kmo = k$MSA, chisq = b$chisq, df = b$df, n = nrow(keyed)),
          file.path(out, "bfi_poly_suitability.csv"), row.names = FALSE)

# -- composite reliability and AVE (semTools), from lavaan CFAs of the keyed items -------------
# On the items as they are (the unstandardized convention) and on z-scores (the standardized one:
# compRelSEM then equals (sum l)^2 / ((sum l)^2 + sum theta) of the standardized solution).
model <- paste(sapply(names(keys), function(s) paste(s, "=~", paste(plain(keys[[s]]), collapse = " + "))),
               collapse = "\n")
fit <- cfa(model, data = keyed)
std <- standardizedSolution(fit)
write.csv(std[std$op == "=~" | (std$op == "~~" & std$lhs %in% names(bfi)), c("lhs", "op", "rhs", "est.std")],
          file.path(out, "bfi_cfa_standardized.csv"), row.names = FALSE)
est <- parameterEstimates(fit)
write.csv(est[est$op %in% c("=~", "~~") & (est$op == "=~" | est$lhs == est$rhs), c("lhs", "op", "rhs", "est")],
          file.path(out, "bfi_cfa_unstandardized.csv"), row.names = FALSE)
z <- as.data.frame(scale(keyed[complete.cases(keyed), ]))  # z-scores of the rows the CFA uses
fit_z <- cfa(model, data = z)
cr <- compRelSEM(fit, obs.var = FALSE)
ave <- AVE(fit, obs.var = FALSE)
cr_z <- compRelSEM(fit_z, obs.var = FALSE)
ave_z <- AVE(fit_z, obs.var = FALSE)
write.csv(data.frame(scale = names(cr), composite_reliability = as.numeric(cr), ave = as.numeric(ave[names(cr)]),
                     composite_reliability_std = as.numeric(cr_z[names(cr)]), ave_std = as.numeric(ave_z[names(cr)]),
                     n = lavInspect(fit, "nobs")),
          file.path(out, "bfi_composite_reliability.csv"), row.names = FALSE)
