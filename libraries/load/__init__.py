"""Load keywords: a closed-model driver over named scenarios, HdrHistogram results, SLAs, baselines, pictures."""

from .errors import BaselineError, LoadError, LoadSetupError, SLAError
from .histogram import merge as merge_histograms
from .library import LoadLibrary
from .result import LoadResult, merge_files

__all__ = [
    "BaselineError",
    "LoadError",
    "LoadLibrary",
    "LoadResult",
    "LoadSetupError",
    "SLAError",
    "merge_files",
    "merge_histograms",
]
