# Reference outputs for alpha and omega from a matrix (psych's alpha(r, n.obs =) and omega(m, n.obs =)),
# on psych's bfi as committed in tests/data. Run from the repository root (R is not needed in CI;
# the outputs are committed):
#   Rscript tests/r/matrix_input_reference.R
# Written with R 4.2.2 and psych 2.2.9 (Debian bookworm packages).
suppressPackageStartupMessages(library(psych))
out <- "tests/expected"
dir.create(out, showWarnings = FALSE)
quiet <- function(expr) suppressWarnings(suppressMessages(expr))

bfi <- read.csv("tests/data/bfi.csv")
n <- nrow(bfi)
scales <- list(C = c("C1", "C2", "C3", "C4", "C5"), A = c("A1", "A2", "A3", "A4", "A5"),
               N = c("N1", "N2", "N3", "N4", "N5"))
reversed <- list(C = c("C4", "C5"), A = c("A1"), N = character(0))

# -- alpha from a correlation or covariance matrix (pairwise complete), with and without n.obs ----------
alpha_rows <- list()
drop_rows <- list()
for (s in names(scales)) {
  x <- bfi[scales[[s]]]
  for (kind in c("correlation", "covariance")) {
    m <- if (kind == "correlation") cor(x, use = "pairwise") else cov(x, use = "pairwise")
    for (with_n in c(TRUE, FALSE)) {
      keys <- if (length(reversed[[s]])) reversed[[s]] else NULL
      a <- if (with_n) psych::alpha(m, keys = keys, n.obs = n, warnings = FALSE)
           else psych::alpha(m, keys = keys, warnings = FALSE)
      # psych 2.2.9 computes its own Feldt interval from nrow(m), the number of items, whatever n.obs
      # says; the interval with n.obs respondents is alpha.ci's, which the Python side reports.
      ci <- if (with_n) unlist(alpha.ci(a$total$raw_alpha, n.obs = n, n.var = ncol(m), digits = 15)[c("lower.ci", "upper.ci")])
            else c(NA, NA)
      alpha_rows[[length(alpha_rows) + 1]] <- data.frame(
        scale = s, matrix = kind, n_obs = if (with_n) n else NA, keys = paste(reversed[[s]], collapse = " "),
        alpha = a$total$raw_alpha, std_alpha = a$total$std.alpha, average_r = a$total$average_r,
        ci_low = ci[[1]], ci_high = ci[[2]], ase = if (with_n) a$total$ase else NA)
      if (with_n) {
        drop_rows[[length(drop_rows) + 1]] <- data.frame(
          scale = s, matrix = kind, item = sub("-$", "", rownames(a$alpha.drop)),
          alpha_drop = a$alpha.drop$raw_alpha, r_drop = a$item.stats$r.drop)
      }
    }
  }
}
write.csv(do.call(rbind, alpha_rows), file.path(out, "matrix_input_alpha.csv"), row.names = FALSE)
write.csv(do.call(rbind, drop_rows), file.path(out, "matrix_input_alpha_drop.csv"), row.names = FALSE)

# -- omega from a correlation matrix with n.obs: one factor per keyed scale, and 3 and 5 group factors ----
r_all <- cor(bfi, use = "pairwise")
omega_rows <- list()
for (s in names(scales)) {
  sign_key <- ifelse(scales[[s]] %in% reversed[[s]], -1, 1)
  o <- quiet(omega(r_all[scales[[s]], scales[[s]]], nfactors = 1, n.obs = n, key = sign_key, plot = FALSE))
  omega_rows[[length(omega_rows) + 1]] <- data.frame(items = s, nfactors = 1, omega_h = o$omega_h,
                                                     omega_total = o$omega.tot)
}
for (nf in c(3, 5)) {
  o <- quiet(omega(r_all, nfactors = nf, n.obs = n, plot = FALSE))
  omega_rows[[length(omega_rows) + 1]] <- data.frame(items = "all", nfactors = nf, omega_h = o$omega_h,
                                                     omega_total = o$omega.tot)
}
write.csv(do.call(rbind, omega_rows), file.path(out, "matrix_input_omega.csv"), row.names = FALSE)
write.csv(data.frame(R = paste(R.version$major, R.version$minor, sep = "."),
                     psych = as.character(packageVersion("psych")), n_obs = n),
          file.path(out, "matrix_input_versions.csv"), row.names = FALSE)
