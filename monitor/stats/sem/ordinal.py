"""Sample statistics of ordinal items for (D)WLS estimation, as lavaan's ``muthen1984``.

Three steps (Muthén 1984): thresholds from each item's margins; polychoric correlations by
maximum likelihood of each pair's table with the thresholds fixed (the vectorised Fisher
scoring of :mod:`monitor.stats.polychoric`); and the asymptotic covariance matrix ``Γ`` of all
thresholds and correlations, from the case-wise scores of both steps. Everything is computed
per response *cell*, so the cost is one pass over the (n × items) data plus small tables.

References
----------
Muthén, B. (1984). A general structural equation model with dichotomous, ordered categorical,
and continuous latent variable indicators. Psychometrika 49, 115-132. Rosseel, Y. lavaan 0.6:
``lav_samplestats_step1``, ``lav_samplestats_step2``, ``muthen1984``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.special import ndtr, ndtri

from ..polychoric import THRESHOLD_BOUND, cell_probabilities, maximum_likelihood_rho

__all__ = ["OrdinalStatistics", "ordinal_statistics", "ordinal_codes", "lower_pairs"]


@dataclass
class OrdinalStatistics:
    """Thresholds, polychoric correlations and their asymptotic covariance (one group)."""

    thresholds: list[np.ndarray]  # per item, its K_j - 1 cut points
    rho: np.ndarray  # p × p polychoric correlations
    gamma: np.ndarray  # N × asymptotic covariance of (thresholds, lower-triangle correlations)
    n: int

    @property
    def vector(self) -> np.ndarray:
        """The sample statistics in lavaan's order: thresholds by item, then correlations."""
        return np.concatenate([np.concatenate(self.thresholds), self.rho[lower_pairs(len(self.rho))]])


def lower_pairs(p: int) -> tuple[np.ndarray, np.ndarray]:
    """Lower-triangle pairs (i > j), column by column, as lavaan's ``vech(diagonal = FALSE)``."""
    rows, cols = np.tril_indices(p, k=-1)
    order = np.lexsort((rows, cols))
    return rows[order], cols[order]


def ordinal_codes(values: np.ndarray) -> tuple[np.ndarray, list[np.ndarray]]:
    """Each column recoded to 0..K_j-1 over its observed categories; also the categories."""
    codes = np.empty(values.shape, dtype=np.int64)
    levels = []
    for j in range(values.shape[1]):
        lv, inverse = np.unique(values[:, j], return_inverse=True)
        codes[:, j] = inverse
        levels.append(lv)
    return codes, levels


def ordinal_statistics(codes: np.ndarray) -> OrdinalStatistics:
    """Thresholds, polychoric correlations and ``Γ`` of complete ordinal data.

    Parameters
    ----------
    codes : ndarray of int, shape (n, p)
        Categories coded 0..K_j-1 (every category observed), no missing values.

    Notes
    -----
    With case-wise scores ``s_i`` of the thresholds (univariate probit likelihoods) and of the
    correlations (bivariate likelihoods), ``A`` the block-triangular matrix of their derivatives
    (A11 from the threshold scores, A21 = Σ ∂ℓ_ρ/∂ρ · ∂ℓ_ρ/∂τ, A22 diagonal), lavaan's
    ``Γ = N · A⁻¹ (Σ s_i s_i') A⁻ᵀ``.
    """
    n, p = codes.shape
    k_items = codes.max(axis=0) + 1
    kmax = int(k_items.max())
    counts = np.stack([np.bincount(codes[:, j], minlength=kmax) for j in range(p)]).astype(float)
    with np.errstate(divide="ignore"):
        cum = np.cumsum(counts, axis=1)[:, :-1] / n
    tau = np.where(np.arange(kmax - 1)[None, :] < (k_items - 1)[:, None], ndtri(np.clip(cum, 0, 1)), THRESHOLD_BOUND)
    tau = np.clip(tau, -THRESHOLD_BOUND, THRESHOLD_BOUND)
    thresholds = [tau[j, :k_items[j] - 1].copy() for j in range(p)]

    # -- step 2: polychoric correlations, all pairs at once --------------------------------------
    rows, cols = lower_pairs(p)
    onehot = np.zeros((n, p * kmax))
    onehot[np.repeat(np.arange(n), p), (np.arange(p)[None, :] * kmax + codes).ravel()] = 1.0
    full = (onehot.T @ onehot).reshape(p, kmax, p, kmax).transpose(0, 2, 1, 3)
    tables = full[rows, cols]  # (m, K, K): row category of item i, column of item j
    z = (codes - codes.mean(axis=0)) / codes.std(axis=0)
    start = (z.T @ z / n)[rows, cols]
    rho_pairs = maximum_likelihood_rho(tables, tau[rows], tau[cols], start, tol=1e-10)
    rho = np.eye(p)
    rho[rows, cols] = rho[cols, rows] = rho_pairs

    # -- step 3: scores and Γ ---------------------------------------------------------------------
    cells, d_rho, _ = cell_probabilities(tau[rows], tau[cols], rho_pairs)
    safe = np.where(cells > 1e-300, cells, 1.0)
    score_cell = d_rho / safe  # ∂ log π_ab / ∂ρ per cell, (m, K, K)

    phi_tau = np.exp(-tau ** 2 / 2) / np.sqrt(2 * np.pi)  # (p, K-1)
    bounds = np.concatenate([np.full((p, 1), -np.inf), tau, np.full((p, 1), np.inf)], axis=1)  # (p, K+1)
    dens_upper = np.concatenate([phi_tau, np.zeros((p, 1))], axis=1)  # φ(upper bound) per category
    dens_lower = np.concatenate([np.zeros((p, 1)), phi_tau], axis=1)
    prob = ndtr(bounds[:, 1:]) - ndtr(bounds[:, :-1])  # (p, K)
    prob_safe = np.where(prob > 0, prob, 1.0)
    offsets = np.concatenate([[0], np.cumsum(k_items - 1)])
    n_tau, m = int(offsets[-1]), len(rows)

    # Threshold scores: ∂ log P_c / ∂τ_k = φ(τ_k)/P_c if k = c (upper), -φ(τ_k)/P_c if k = c - 1.
    scores = np.zeros((n, n_tau + m))
    case = np.arange(n)
    for j in range(p):
        c = codes[:, j]
        upper, lower = c < k_items[j] - 1, c > 0
        scores[case[upper], offsets[j] + c[upper]] = dens_upper[j, c[upper]] / prob_safe[j, c[upper]]
        scores[case[lower], offsets[j] + c[lower] - 1] = -dens_lower[j, c[lower]] / prob_safe[j, c[lower]]
    scores[:, n_tau:] = score_cell[np.arange(m)[None, :], codes[:, rows], codes[:, cols]]
    inner = scores.T @ scores

    # A21: Σ_cells n_ab (∂ log π/∂ρ)(∂ log π/∂τ); ∂π_ab/∂τ_ik = E_i[k, b] (k = a) - E_i[k, b] (k = a - 1),
    # E_i[k, b] = φ(τ_ik) (Φ((u_b - ρτ_ik)/s) - Φ((l_b - ρτ_ik)/s)), s = sqrt(1 - ρ²).
    r = rho_pairs[:, None, None]
    s = np.sqrt(1 - r ** 2)
    weighted = tables * score_cell / safe  # n_ab (∂ log π/∂ρ) / π_ab
    a21 = np.zeros((m, n_tau))
    pair_index = np.arange(m)
    for first, second, axis in ((rows, cols, 2), (cols, rows, 1)):
        t_own = tau[first][:, :, None]  # (m, K-1, 1)
        other = bounds[second][:, None, :]  # (m, 1, K+1)
        with np.errstate(invalid="ignore"):
            cdf = ndtr((other - r * t_own) / s)
        edge = phi_tau[first][:, :, None] * (cdf[:, :, 1:] - cdf[:, :, :-1])  # (m, K-1, K)
        w = weighted if axis == 2 else weighted.transpose(0, 2, 1)
        contrib = (edge * (w[:, :-1, :] - w[:, 1:, :])).sum(axis=2)  # (m, K-1)
        for k in range(kmax - 1):
            valid = k < k_items[first] - 1
            a21[pair_index[valid], offsets[first[valid]] + k] += contrib[valid, k]
    a11_inv = np.zeros((n_tau, n_tau))  # block diagonal: one block per item
    for j in range(p):
        block = slice(offsets[j], offsets[j + 1])
        a11_inv[block, block] = np.linalg.pinv(inner[block, block])
    a22 = np.diag(inner)[n_tau:]
    b_inv = np.zeros((n_tau + m, n_tau + m))
    b_inv[:n_tau, :n_tau] = a11_inv
    b_inv[n_tau:, n_tau:] = np.diag(1 / a22)
    b_inv[n_tau:, :n_tau] = -(a21 / a22[:, None]) @ a11_inv
    gamma = n * (b_inv @ inner @ b_inv.T)
    return OrdinalStatistics(thresholds=thresholds, rho=rho, gamma=gamma, n=n)
