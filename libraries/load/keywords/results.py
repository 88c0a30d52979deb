from __future__ import annotations

from typing import Any

from assertionengine import AssertionOperator, float_str_verify_assertion, int_str_verify_assertion
from robot.api import logger
from robot.api.deco import keyword

from libraries.common import LibraryComponent, seconds

from .. import sla
from ..result import LoadResult


class ResultKeywords(LibraryComponent[object]):
    """Reading a load result and checking it against an SLA."""

    @keyword("Get Load Percentile")
    def get_load_percentile(
        self,
        result: LoadResult,
        percentile: float,
        assertion_operator: AssertionOperator | None = None,
        assertion_expected: Any = None,
        message: str | None = None,
    ) -> float:
        """The latency at ``percentile`` (``50``, ``95``, ``99.9``, ``100`` for the maximum) in seconds.

        Example:
        | `Get Load Percentile`    ${result}    95    <    500 ms
        """
        value = result.percentile_ms(percentile) / 1000
        expected = seconds(assertion_expected)
        return float_str_verify_assertion(
            value, assertion_operator, expected, f"p{percentile:g} of '{result.scenario}' in seconds", message or ""
        )

    @keyword("Get Load Throughput")
    def get_load_throughput(
        self,
        result: LoadResult,
        assertion_operator: AssertionOperator | None = None,
        assertion_expected: Any = None,
        message: str | None = None,
    ) -> float:
        """Successful operations per second.

        Example:
        | `Get Load Throughput`    ${result}    >=    100
        """
        expected = None if assertion_expected is None else float(assertion_expected)
        return float_str_verify_assertion(
            result.throughput, assertion_operator, expected, f"Throughput of '{result.scenario}'", message or ""
        )

    @keyword("Get Load Error Count")
    def get_load_error_count(
        self,
        result: LoadResult,
        assertion_operator: AssertionOperator | None = None,
        assertion_expected: Any = None,
        message: str | None = None,
    ) -> int:
        """How many operations failed; the first messages are in the result's table in the log.

        Example:
        | `Get Load Error Count`    ${result}    ==    0
        """
        return _count(result.errors, assertion_operator, assertion_expected, f"Errors of '{result.scenario}'", message)

    @keyword("Get Load Error Rate")
    def get_load_error_rate(
        self,
        result: LoadResult,
        assertion_operator: AssertionOperator | None = None,
        assertion_expected: Any = None,
        message: str | None = None,
    ) -> float:
        """Failed operations as a fraction (0 to 1) of those that ran; an expected value may be written ``1 %``.

        Example:
        | `Get Load Error Rate`    ${result}    <=    1 %
        """
        expected = None if assertion_expected is None else sla.parse("error_rate", assertion_expected).limit
        return float_str_verify_assertion(
            result.error_rate, assertion_operator, expected, f"Error rate of '{result.scenario}'", message or ""
        )

    @keyword("Get Load Operation Count")
    def get_load_operation_count(
        self,
        result: LoadResult,
        assertion_operator: AssertionOperator | None = None,
        assertion_expected: Any = None,
        message: str | None = None,
    ) -> int:
        """How many operations ran (successful or not); fewer than planned when the time bound stopped the run.

        Example:
        | `Get Load Operation Count`    ${result}    ==    200
        """
        label = f"Operations of '{result.scenario}'"
        return _count(result.count, assertion_operator, assertion_expected, label, message)

    @keyword("Get Lost Agent Run Count")
    def get_lost_agent_run_count(
        self,
        result: LoadResult,
        assertion_operator: AssertionOperator | None = None,
        assertion_expected: Any = None,
        message: str | None = None,
    ) -> int:
        """Agent runs submitted under load that the system does not know or that had not finished at the end.

        Example:
        | `Get Lost Agent Run Count`    ${result}    ==    0
        """
        lost = _agent_figure(result, "lost")
        return _count(lost, assertion_operator, assertion_expected, "Lost agent runs", message)

    @keyword("Get Duplicated Agent Step Count")
    def get_duplicated_agent_step_count(
        self,
        result: LoadResult,
        assertion_operator: AssertionOperator | None = None,
        assertion_expected: Any = None,
        message: str | None = None,
    ) -> int:
        """Steps of the agent runs under load that were applied more than once.

        Example:
        | `Get Duplicated Agent Step Count`    ${result}    ==    0
        """
        duplicated = _agent_figure(result, "duplicated")
        return _count(duplicated, assertion_operator, assertion_expected, "Duplicated agent steps", message)

    @keyword("Load Result Should Meet SLA")
    def load_result_should_meet_sla(self, result: LoadResult, **thresholds: str) -> None:
        """Checks every threshold and fails naming each one missed; a run cut short by its time bound fails too.

        Thresholds: ``p50``, ``p90``, ``p95``, ``p99``, ``max`` (durations: upper bounds), ``error_rate``
        (a percentage: upper bound), ``throughput`` (``20/s``, ``600/min``: lower bound), ``errors``, ``lost``,
        ``duplicated`` (counts: upper bounds).

        Example:
        | `Load Result Should Meet SLA`    ${result}    p95=500 ms    error_rate=1 %    throughput=20/s
        """
        if not thresholds:
            raise sla.SLAError(f"Load Result Should Meet SLA needs at least one threshold: {', '.join(sla.KNOWN)}.")
        parsed = [sla.parse(name, value) for name, value in thresholds.items()]
        failed = sla.violations(result, parsed)
        if not result.complete:
            failed.insert(0, f"only {result.count} of {result.planned} operations ran within {result.time_bound_s:g} s")
        if failed:
            raise AssertionError(f"Load '{result.scenario}' misses its SLA: {'; '.join(failed)}.")
        met = ", ".join(f"{t.name} {t.measure(result)[1]} ({t.text})" for t in parsed)
        logger.info(f"Load '{result.scenario}' meets its SLA: {met}.")


def _count(value: int, operator: AssertionOperator | None, expected: Any, label: str, message: str | None) -> int:
    return int_str_verify_assertion(value, operator, None if expected is None else int(expected), label, message or "")


def _agent_figure(result: LoadResult, name: str) -> int:
    if name not in result.extra:
        raise AssertionError(f"Load '{result.scenario}' ran no agent runs: it has no {name} count.")
    return int(result.extra[name])
