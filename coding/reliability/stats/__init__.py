"""Inter-coder reliability statistics: pure numpy, no Django.

Reliability data is a coders x units table (rows of values with None for missing, or a 2-D
array with NaN for missing).
"""

from coding.reliability.stats.agreement import (
    cohen_kappa,
    fleiss_kappa,
    pairwise_cohen_kappa,
    percent_agreement,
)
from coding.reliability.stats.alpha import AlphaResult, alpha, alpha_result
from coding.reliability.stats.bootstrap import (
    BootstrapResult,
    bootstrap_alpha,
    bootstrap_alpha_many,
)
from coding.reliability.stats.coincidence import coincidence_matrix
from coding.reliability.stats.resampling import Resamples, percentile_interval
from coding.reliability.stats.unitizing import (
    SourceUnits,
    UnitizingResult,
    pooled_unitizing,
    unitizing_alpha,
)

__all__ = [
    "AlphaResult",
    "BootstrapResult",
    "Resamples",
    "SourceUnits",
    "UnitizingResult",
    "alpha",
    "alpha_result",
    "bootstrap_alpha",
    "bootstrap_alpha_many",
    "cohen_kappa",
    "coincidence_matrix",
    "fleiss_kappa",
    "pairwise_cohen_kappa",
    "percent_agreement",
    "percentile_interval",
    "pooled_unitizing",
    "unitizing_alpha",
]
