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

# -- reliability (items keyed in one direction first) ----------------------------------------
keyed <- trust
for (item in c("nw4", "co4", "gw3")) keyed[[item]] <- 6 - keyed[[item]]
themes <- list(normen_waarden = paste0("nw", 1:4), professionaliteit = paste0("pr", 1:4),
               communicatie = paste0("co", 1:4), gelijkwaardigheid = paste0("gw", 1:4),
               gezamenlijkheid = paste0("gz", 1:4), rentmeesterschap = paste0("rm", 1:4))
rel <- do.call(rbind, lapply(names(themes), function(th) {
  a <- psych::alpha(keyed[, themes[[th]]], warnings = FALSE)
  o <- suppressWarnings(suppressMessages(omega(keyed[, themes[[th]]], nfactors = 1, plot = FALSE)))
  data.frame(scale = th, alpha = a$total$raw_alpha, std_alpha = a$total$std.alpha,
             ci_low = a$feldt$lower.ci[[1]], ci_high = a$feldt$upper.ci[[1]],
             omega_total = o$omega.tot, omega_h = o$omega_h, n = nrow(keyed))
}))
write.csv(rel, file.path(out, "reliability_demo.csv"), row.names = FALSE)
items_gw <- psych::alpha(keyed[, themes$gelijkwaardigheid], warnings = FALSE)
write.csv(data.frame(item = rownames(items_gw$item.stats), r_drop = items_gw$item.stats$r.drop,
                     alpha_drop = items_gw$alpha.drop$raw_alpha, mean = items_gw$item.stats$mean,
                     sd = items_gw$item.stats$sd),
          file.path(out, "alpha_items_gelijkwaardigheid.csv"), row.names = FALSE)
d <- psych::describe(keyed)
write.csv(data.frame(item = rownames(d), skew = d$skew), file.path(out, "describe_demo.csv"), row.names = FALSE)
om6 <- suppressWarnings(suppressMessages(omega(keyed, nfactors = 6, plot = FALSE)))
write.csv(data.frame(omega_total = om6$omega.tot, omega_h = om6$omega_h), file.path(out, "omega6_demo.csv"),
          row.names = FALSE)

# -- suitability ------------------------------------------------------------------------------
r_keyed <- cor(keyed, use = "pairwise")
k <- KMO(r_keyed)
write.csv(data.frame(item = c("overall", names(k$MSAi)), msa = c(k$MSA, k$MSAi)), file.path(out, "kmo_demo.csv"),
          row.names = FALSE)
b <- cortest.bartlett(r_keyed, n = nrow(keyed))
write.csv(data.frame(chisq = b$chisq, df = b$df), file.path(out, "bartlett_demo.csv"), row.names = FALSE)

# -- EFA --------------------------------------------------------------------------------------
efa_out <- function(data, r, nf, fm, rot, name) {
  f <- suppressWarnings(suppressMessages(fa(r, nfactors = nf, fm = fm, rotate = rot, n.obs = nrow(data))))
  L <- unclass(f$loadings)
  write.csv(L, file.path(out, paste0("efa_", name, "_loadings.csv")))
  stats <- data.frame(rms = f$rms, TLI = ifelse(is.null(f$TLI), NA, f$TLI),
                      RMSEA = ifelse(is.null(f$RMSEA), NA, f$RMSEA[[1]]), chi = ifelse(is.null(f$STATISTIC), NA, f$STATISTIC),
                      dof = f$dof)
  write.csv(stats, file.path(out, paste0("efa_", name, "_fit.csv")), row.names = FALSE)
}
efa_out(keyed, r_keyed, 6, "minres", "oblimin", "demo_minres_oblimin")
efa_out(keyed, r_keyed, 6, "ml", "oblimin", "demo_ml_oblimin")
efa_out(keyed, r_keyed, 6, "pa", "varimax", "demo_pa_varimax")
efa_out(keyed, r_keyed, 6, "minres", "promax", "demo_minres_promax")
efa_out(keyed, r_keyed, 6, "minres", "geominQ", "demo_minres_geomin")
r_bfi <- cor(bfi, use = "pairwise")
efa_out(bfi, r_bfi, 5, "minres", "oblimin", "bfi_minres_oblimin")
efa_out(bfi, r_bfi, 5, "ml", "varimax", "bfi_ml_varimax")
efa_out(bfi, polychoric(bfi)$rho, 5, "minres", "oblimin", "bfi_poly_minres_oblimin")

# -- number of factors (random: compare the suggestion, not the eigenvalues) -------------------
set.seed(2026)
pa_demo <- fa.parallel(keyed, n.iter = 20, plot = FALSE)
pa_bfi <- fa.parallel(bfi, n.iter = 20, plot = FALSE)
write.csv(data.frame(data = c("demo", "bfi"), nfact = c(pa_demo$nfact, pa_bfi$nfact),
                     ncomp = c(pa_demo$ncomp, pa_bfi$ncomp)), file.path(out, "parallel.csv"), row.names = FALSE)
write.csv(data.frame(fa_values = pa_demo$fa.values, pc_values = pa_demo$pc.values),
          file.path(out, "parallel_demo_observed.csv"), row.names = FALSE)
v <- VSS(r_keyed, n = 10, plot = FALSE, n.obs = nrow(keyed))
write.csv(data.frame(components = seq_along(v$map), map = v$map), file.path(out, "map_demo.csv"), row.names = FALSE)

# -- CFA and measurement invariance (lavaan) ---------------------------------------------------
hs <- read.csv("tests/data/holzinger_swineford.csv")
hs_model <- "visual =~ x1 + x2 + x3\n textual =~ x4 + x5 + x6\n speed =~ x7 + x8 + x9"
measures <- c("chisq", "df", "pvalue", "cfi", "tli", "rmsea", "rmsea.ci.lower", "rmsea.ci.upper", "srmr")
fm <- function(fit) as.list(fitMeasures(fit, measures))
hs_fit <- cfa(hs_model, data = hs)
write.csv(as.data.frame(fm(hs_fit)), file.path(out, "lavaan_hs_cfa.csv"), row.names = FALSE)
mi <- modindices(hs_fit, sort. = TRUE)
write.csv(mi[, c("lhs", "op", "rhs", "mi", "epc")], file.path(out, "lavaan_hs_modindices.csv"), row.names = FALSE)
inv <- rbind(configural = as.data.frame(fm(cfa(hs_model, data = hs, group = "school"))),
             metric = as.data.frame(fm(cfa(hs_model, data = hs, group = "school", group.equal = "loadings"))),
             scalar = as.data.frame(fm(cfa(hs_model, data = hs, group = "school",
                                           group.equal = c("loadings", "intercepts")))))
write.csv(inv, file.path(out, "lavaan_hs_invariance.csv"))

# The trust module's theoretical model on the demo data (wave 2026), by organisation type.
demo_w <- demo[demo$wave == 2026 & demo$organisation_type %in% c("gemeente", "zorgaanbieder"),
               c(trust_items, "organisation_type")]
demo_w[demo_w == 9] <- NA
for (item in c("nw4", "co4", "gw3")) demo_w[[item]] <- 6 - demo_w[[item]]
demo_w <- demo_w[complete.cases(demo_w), ]
trust_model <- paste(sapply(names(themes), function(th) paste(th, "=~", paste(themes[[th]], collapse = " + "))),
                     collapse = "\n")
demo_fit <- cfa(trust_model, data = demo_w)
write.csv(as.data.frame(fm(demo_fit)), file.path(out, "lavaan_demo_cfa.csv"), row.names = FALSE)
std <- standardizedSolution(demo_fit)
write.csv(std[std$op == "=~", c("lhs", "rhs", "est.std")], file.path(out, "lavaan_demo_loadings.csv"), row.names = FALSE)
inv_demo <- rbind(
  configural = as.data.frame(fm(cfa(trust_model, data = demo_w, group = "organisation_type"))),
  metric = as.data.frame(fm(cfa(trust_model, data = demo_w, group = "organisation_type", group.equal = "loadings"))),
  scalar = as.data.frame(fm(cfa(trust_model, data = demo_w, group = "organisation_type",
                                group.equal = c("loadings", "intercepts")))))
write.csv(inv_demo, file.path(out, "lavaan_demo_invariance.csv"))

# The thesis-style models (lm, sandwich, lavaan::sem on the demo's scale scores): tests/r/thesis_reference.R.
