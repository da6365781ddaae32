# Reference outputs for aggregation to clusters: ICC(1) and ICC(2) as psych::statsBy gives them,
# the one-way ANOVA behind them from aov(), and rwg(J) from multilevel::rwg.j (uniform null).
# Run from the repository root (R is not needed in CI; the outputs are committed):
#   .venv/bin/python tests/r/export_agreement_items.py && Rscript tests/r/agreement_reference.R
# Written with R 4.2.2, psych 2.2.9, multilevel 2.7 (Debian bookworm: r-cran-psych, r-cran-multilevel 2.7-1).
suppressPackageStartupMessages({library(psych); library(multilevel)})
out <- "tests/expected"
dir.create(out, showWarnings = FALSE)

scores <- read.csv("tests/data/demo_scores.csv")   # scale scores, complete
items <- read.csv("tests/data/demo_items_clusters.csv")  # item answers 1..5 with missing values
scales <- list(nw = paste0("nw", 1:4), gw = paste0("gw", 1:4), tr = paste0("tr", 1:4))
score_columns <- c("trust_index", "transformatieresultaten", "betekenisgeving", "partnerschap")

# -- ICC(1), ICC(2): statsBy for the ICCs, F and their intervals; aov for the mean squares and p --
icc_reference <- function(dataset, frame, columns, cluster) {
  sb <- statsBy(frame[c(columns, cluster)], group = cluster)
  do.call(rbind, lapply(columns, function(column) {
    used <- frame[!is.na(frame[[column]]) & !is.na(frame[[cluster]]), c(column, cluster)]
    table <- summary(aov(used[[column]] ~ factor(used[[cluster]])))[[1]]
    fit <- aov(used[[column]] ~ factor(used[[cluster]]))
    data.frame(dataset = dataset, cluster = cluster, column = column, n = nrow(used),
               n_clusters = sb$nG[[column]], mean_cluster_size = nrow(used) / sb$nG[[column]],
               ms_between = table[1, "Mean Sq"], ms_within = table[2, "Mean Sq"],
               df_between = table[1, "Df"], df_within = table[2, "Df"],
               F = sb$F[[column]], p = table[1, "Pr(>F)"],
               icc1 = sb$ICC1[[column]], icc1_ci_low = sb$ci1[column, "L1"], icc1_ci_high = sb$ci1[column, "U1"],
               icc2 = sb$ICC2[[column]], icc2_ci_low = sb$ci2[column, "L2"], icc2_ci_high = sb$ci2[column, "U2"],
               icc1_multilevel = ICC1(fit), icc2_multilevel = ICC2(fit))
  }))
}
icc <- rbind(
  icc_reference("demo_scores", scores, score_columns, "region"),
  icc_reference("demo_scores", scores, score_columns, "organisation_type"),
  icc_reference("demo_items_clusters", items, unlist(scales), "region"),
  icc_reference("demo_items_clusters", items, unlist(scales), "organisation"))  # one organisation of one
write.csv(icc, file.path(out, "agreement_icc.csv"), row.names = FALSE)

# -- rwg(J) per cluster, uniform null: (A^2 - 1) / 12 with A options; rows with a missing item out --
rwg_reference <- function(dataset, frame, scale, columns, cluster, options) {
  r <- rwg.j(frame[columns], frame[[cluster]], ranvar = (options^2 - 1) / 12)
  complete <- frame[complete.cases(frame[c(columns, cluster)]), c(columns, cluster)]
  variance <- sapply(split(complete[columns], complete[[cluster]]),
                     function(q) if (nrow(q) > 1) mean(apply(q, 2, var)) else NA)
  data.frame(dataset = dataset, cluster_column = cluster, scale = scale, options = options,
             cluster = r$grpid, n = r$gsize, n_items = length(columns),
             mean_item_variance = as.numeric(variance[as.character(r$grpid)]), rwg_j = r$rwg.j)
}
rwg <- do.call(rbind, c(
  lapply(names(scales), function(s) rwg_reference("demo_items_clusters", items, s, scales[[s]], "region", 5)),
  lapply(names(scales), function(s) rwg_reference("demo_items_clusters", items, s, scales[[s]], "organisation", 5)),
  # wider nulls (6 and 7 options) on the same answers
  list(rwg_reference("demo_items_clusters", items, "nw", scales$nw, "region", 7),
       rwg_reference("demo_items_clusters", items, "gw", scales$gw, "organisation", 6))))
write.csv(rwg, file.path(out, "agreement_rwg_j.csv"), row.names = FALSE)

write.csv(data.frame(R = R.version.string, psych = as.character(packageVersion("psych")),
                     multilevel = as.character(packageVersion("multilevel"))),
          file.path(out, "agreement_versions.csv"), row.names = FALSE)
