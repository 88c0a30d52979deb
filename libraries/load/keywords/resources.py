from __future__ import annotations

from typing import Any

from assertionengine import AssertionOperator, float_str_verify_assertion
from robot.api import logger
from robot.api.deco import keyword

from libraries.common import LibraryComponent

from ..errors import LoadSetupError
from ..resources import ResourceSeries
from ..result import LoadResult

DEFAULT_MARGIN = "2 MiB"
MIN_GROWTH_SAMPLES = 8
"""Fewer samples cannot tell a leak from warm-up: two halves of three samples say nothing."""
_UNITS = {"b": 1 / (1024 * 1024), "kib": 1 / 1024, "kb": 1 / 1024, "mib": 1.0, "mb": 1.0, "gib": 1024.0, "gb": 1024.0}


class ResourceKeywords(LibraryComponent[object]):
    """Memory and connections of the system under test while a load ran."""

    @keyword("Get Peak Memory Of Agent System")
    def get_peak_memory_of_agent_system(
        self,
        result: LoadResult,
        assertion_operator: AssertionOperator | None = None,
        assertion_expected: Any = None,
        message: str | None = None,
    ) -> float:
        """The most memory the system under test held during the load, in MiB: the sum of the PSS of its processes.

        An expected value may carry a unit: ``500 MiB``, ``1 GiB``.

        Example:
        | `Get Peak Memory Of Agent System`    ${result}    <    500 MiB
        """
        resources = _resources(result)
        expected = None if assertion_expected is None else mebibytes(assertion_expected)
        return float_str_verify_assertion(
            round(resources.peak_pss_mib, 1),
            assertion_operator,
            expected,
            "Peak memory of the agent system in MiB",
            message or "",
        )

    @keyword("Memory Growth Should Level Off")
    def memory_growth_should_level_off(
        self, result: LoadResult, margin: str = DEFAULT_MARGIN, message: str | None = None
    ) -> None:
        """Fails when the system's memory kept growing during the second half of the load, as a leak does.

        The samples of the load are split in two halves; the memory (sum of PSS) may grow in the first half
        (warm-up: pools fill, caches load) but must grow by no more than ``margin`` (default 2 MiB) in the second.
        It needs at least 8 samples and fails saying so with fewer: run a longer load or sample more often
        (``Run Load`` … ``sample_interval=50 ms``).

        Example:
        | `Memory Growth Should Level Off`    ${result}
        | `Memory Growth Should Level Off`    ${result}    margin=5 MiB
        """
        resources = _resources(result)
        if len(resources.samples) < MIN_GROWTH_SAMPLES:
            raise LoadSetupError(
                f"Only {len(resources.samples)} resource samples of '{result.scenario}': at least "
                f"{MIN_GROWTH_SAMPLES} are needed to tell a leak from warm-up. Run a longer load or pass a shorter "
                "sample_interval to Run Load."
            )
        allowed = mebibytes(margin)
        growth = resources.growth()
        report = (
            f"memory grew by {growth.total_mib:.1f} MiB over {result.count} runs"
            f" (first half {growth.first_half_mib:+.1f} MiB, second half {growth.second_half_mib:+.1f} MiB,"
            f" margin {allowed:g} MiB)"
        )
        if growth.second_half_mib > allowed:
            head, details = report.split(" (", 1)
            raise AssertionError(message or f"{head} and did not level off ({details}")
        logger.info(f"Memory levelled off: {report}.")

    @keyword("Connections Should Stay Below Pool Limit")
    def connections_should_stay_below_pool_limit(self, result: LoadResult, message: str | None = None) -> None:
        """Fails when the system held more PostgreSQL connections at any sample than its pools allow.

        The connections counted are the system's own (``pg_stat_activity`` by the application name the adapter
        reports); the limit is the sum of its pools' maximum sizes, as the adapter reports it.

        Example:
        | `Connections Should Stay Below Pool Limit`    ${result}
        """
        resources = _resources(result)
        if resources.pool_limit is None:
            raise LoadSetupError("The system's adapter reports no pool limit (connection_scope): nothing to check.")
        peak, limit = resources.peak_connections, resources.pool_limit
        if peak > limit:
            raise AssertionError(
                message
                or f"{peak} of {limit} connections in use: the system's PostgreSQL connections peaked at {peak}, "
                f"above the pool limit of {limit} (server max_connections {resources.max_connections})."
            )
        logger.info(f"PostgreSQL connections peaked at {peak} of a pool limit of {limit}.")


def _resources(result: LoadResult) -> ResourceSeries:
    if result.resources is None or not result.resources.samples:
        raise LoadSetupError(
            f"The load result of '{result.scenario}' has no resource samples: they are taken for 'agent runs' of an "
            "adapter that lists its processes, unless Run Load was given sample_resources=${False}."
        )
    return result.resources


def mebibytes(value: Any) -> float:
    """``2``, ``2 MiB``, ``512 KiB`` or ``1 GiB`` as MiB."""
    text = str(value).strip().lower().replace(" ", "")
    number = text.rstrip("abcdefghijklmnopqrstuvwxyz")
    unit = text[len(number) :] or "mib"
    if unit not in _UNITS:
        raise ValueError(f"'{value}' is not an amount of memory such as 2 MiB, 512 KiB or 1 GiB.")
    return float(number) * _UNITS[unit]
