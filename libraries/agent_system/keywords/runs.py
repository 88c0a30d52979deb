from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from operator import attrgetter
from typing import Any

from assertionengine import AssertionOperator, verify_assertion
from robot.api import logger
from robot.api.deco import keyword
from robot.libraries.BuiltIn import BuiltIn

from libraries.common import duration, wait_until, with_assertion_polling
from libraries.llm_library.emulator import scoped_model

from .. import deadlines
from ..base import AgentSystemComponent, llm_state, skip_unsupported
from ..contract import TERMINAL, Capability, ErrorKind, NotSupported, RunView

MAX_PARALLEL_SUBMITS = 16


class RunKeywords(AgentSystemComponent):
    """Submitting runs, waiting for them and reading what they ended with."""

    @keyword("Submit Agent Run")
    def submit_agent_run(self, goal: str, provider: str = "openai", *, deadline: timedelta | None = None) -> str:
        """Submits a run of ``goal`` on ``provider`` (``openai`` or ``anthropic``) and returns its id.

        Against the emulator the system's calls land in its own scope (its base URLs carry it, and so does the
        model handed to the adapter), so `LLM Will Answer`, `LLM Will Fail` and the other emulator keywords
        script this run's LLM calls. ``deadline`` is how long the run may take before the system must fail it.

        Example:
        | ${run} =    `Submit Agent Run`    Summarise the quarterly report
        | ${run} =    `Submit Agent Run`    Plan a trip    anthropic    deadline=30 s
        """
        adapter = self.adapter
        if provider != "openai":
            self.require(Capability.PROVIDERS, f"run on {provider}")
        deadline_s = None if deadline is None else deadline.total_seconds()
        if deadline_s is not None:
            self.require(Capability.DEADLINE, "honour a run deadline")
        run_id = skip_unsupported(
            lambda: adapter.submit(goal, provider=provider, model=self._model(provider), deadline_s=deadline_s)
        )
        self.library.runs_of_test.add(adapter, run_id)
        logger.info(f"Submitted run {run_id} on {provider}: {goal[:200]}")
        return run_id

    @keyword("Agent Plan Will Be")
    def agent_plan_will_be(self, *steps: str, provider: str = "openai") -> None:
        """The next run of this test gets exactly these steps from its planner (the planner's LLM answer is scripted).

        A step is a description, optionally followed by ``| tool: input`` (reference system tools:
        ``word_count``, ``calculator``). Skipped when the adapter takes no scripted plan or the LLM is not the emulator.

        Example:
        | `Agent Plan Will Be`    Find the figures    Add them up | calculator: 2 + 3
        """
        adapter = self.require(Capability.SCRIPTED_PLAN, "take a scripted plan")
        planned = []
        for step in steps:
            description, _, tool_call = step.partition("|")
            tool, _, tool_input = tool_call.partition(":")
            planned.append((description.strip(), tool.strip() or "none", tool_input.strip()))
        BuiltIn().run_keyword("LLM Will Answer", adapter.plan_answer(planned), f"alias={provider}")

    @keyword("Agent Planner Will Answer")
    def agent_planner_will_answer(self, answer: str, *, provider: str = "openai") -> None:
        """The planner of the next run of this test gets ``answer`` from the LLM, as it is (a broken plan, say).

        Skipped when the system has no planner whose answer can be scripted.

        Example:
        | `Agent Planner Will Answer`    {"steps": []}
        """
        self.require(Capability.SCRIPTED_PLAN, "take a scripted planner answer")
        BuiltIn().run_keyword("LLM Will Answer", answer, f"alias={provider}")

    @keyword("Agent Final Answer Will Be")
    def agent_final_answer_will_be(self, answer: str, *, provider: str = "openai") -> None:
        """The aggregation step of the next run of this test gets ``answer`` from the LLM: the run's final result.

        Scripted answers are used in the order they were scripted, each by the next call it matches. A run of the
        reference system calls the LLM without streaming twice, first to plan and last to aggregate, and streams
        each step's answer in between. So script the plan first (`Agent Plan Will Be`), then the final answer:
        this keyword scripts the next non-streamed call after those scripted before it, and the plan would take it
        if no plan was scripted first. Skipped when the system has no planner whose answer can be scripted.

        Example:
        | `Agent Plan Will Be`    Gather the facts
        | `Agent Final Answer Will Be`    The outage was caused by DNS.
        | ${run} =    `Submit Agent Run`    Report on the incident
        | `Wait Until Agent Run Finishes`    ${run}
        | `Get Agent Run Result`    ${run}    ==    The outage was caused by DNS.
        """
        self.require(Capability.SCRIPTED_PLAN, "take a scripted final answer")
        BuiltIn().run_keyword("LLM Will Answer", answer, "streaming=${False}", f"alias={provider}")

    @keyword("Submit Agent Runs Concurrently")
    def submit_agent_runs_concurrently(self, count: int, goal: str = "Goal", provider: str = "openai") -> list[str]:
        """Submits ``count`` runs at the same time (up to 16 at once) and returns their ids in order.

        Example:
        | ${runs} =    `Submit Agent Runs Concurrently`    50
        """
        model = self._model(provider)
        adapter = self.adapter

        def submit(number: int) -> str:
            run_id = adapter.submit(f"{goal} #{number}", provider=provider, model=model)
            self.library.runs_of_test.add(adapter, run_id)
            return run_id

        with ThreadPoolExecutor(max_workers=min(MAX_PARALLEL_SUBMITS, max(1, count))) as pool:
            futures = [pool.submit(submit, number) for number in range(1, count + 1)]
            run_ids = [future.result() for future in futures]
        logger.info(f"Submitted {len(run_ids)} runs concurrently.")
        return run_ids

    @keyword("Wait Until Agent Run Finishes")
    def wait_until_agent_run_finishes(self, run: str, timeout: timedelta | None = None) -> str:
        """Waits until ``run`` is ``succeeded``, ``failed`` or ``cancelled`` and returns that status.

        ``timeout`` bounds one operation: after that time the keyword stops waiting for it. It then fails naming
        the status and the steps the run was stuck in. Default: 60 s for the reference system, scaled for a
        slower one (see `Deadlines`).

        Example:
        | `Wait Until Agent Run Finishes`    ${run}    timeout=30 s
        """
        return self._wait_all([run], deadlines.deadline(timeout, deadlines.RUN, self.adapter))[0].status

    @keyword("Wait Until Agent Runs Finish")
    def wait_until_agent_runs_finish(self, runs: list[str], timeout: timedelta | None = None) -> None:
        """Waits until every run in ``runs`` has finished; fails naming the ones that did not.

        ``timeout`` bounds one operation: after that time the keyword stops waiting for it. Default: 2 minutes for
        the reference system, scaled for a slower one (see `Deadlines`).

        Example:
        | `Wait Until Agent Runs Finish`    ${runs}    timeout=2 min
        """
        finished = self._wait_all(runs, deadlines.deadline(timeout, deadlines.RUNS, self.adapter))
        counts: dict[str, int] = {}
        for run in finished:
            counts[run.status] = counts.get(run.status, 0) + 1
        logger.info(f"{len(finished)} runs finished: {counts}")

    @keyword("Wait Until An Agent Step Is Running")
    def wait_until_an_agent_step_is_running(self, run: str, timeout: timedelta | None = None) -> None:
        """Waits until a worker is working on one of the steps of ``run`` (to kill it mid-step, say).

        ``timeout`` bounds one operation: after that time the keyword stops waiting for it. Default: 30 s for the
        reference system, scaled for a slower one (see `Deadlines`).

        Example:
        | `Wait Until An Agent Step Is Running`    ${run}
        """
        timeout = deadlines.deadline(timeout, deadlines.STEP_RUNNING, self.adapter)
        wait_until(
            lambda: any(step.status == "running" for step in self.run_view(run).steps),
            timeout,
            pause=self.retry_pause / 2,
            message=f"No step of run {run} started within {duration(timeout)}",
        )

    @keyword("Cancel Agent Run")
    def cancel_agent_run(self, run: str) -> None:
        """Asks the system to cancel ``run``; a run that has already ended stays as it was.

        Example:
        | `Cancel Agent Run`    ${run}
        """
        self.require(Capability.CANCEL, "cancel a run").cancel(run)
        logger.info(f"Asked to cancel run {run}.")

    @keyword("Get Agent Run Status")
    @with_assertion_polling
    def get_agent_run_status(
        self,
        run: str,
        assertion_operator: AssertionOperator | None = None,
        assertion_expected: Any = None,
        message: str | None = None,
        *,
        retry_timeout: timedelta | None = None,
    ) -> str:
        """The status of ``run``: ``pending``, ``running``, ``aggregating``, ``succeeded``, ``failed``, ``cancelled``.

        ``retry_timeout`` is how long the keyword keeps polling until its assertion holds.

        Example:
        | `Get Agent Run Status`    ${run}    ==    succeeded
        """
        return self._value(run, attrgetter("status"), "Status", assertion_operator, assertion_expected, message)

    @keyword("Get Agent Run Result")
    @with_assertion_polling
    def get_agent_run_result(
        self,
        run: str,
        assertion_operator: AssertionOperator | None = None,
        assertion_expected: Any = None,
        message: str | None = None,
        *,
        retry_timeout: timedelta | None = None,
    ) -> str | None:
        """The final answer of ``run`` (``None`` until it succeeded).

        ``retry_timeout`` is how long the keyword keeps polling until its assertion holds.

        Example:
        | `Get Agent Run Result`    ${run}    contains    Paris
        """
        return self._value(run, attrgetter("result"), "Result", assertion_operator, assertion_expected, message)

    @keyword("Get Agent Run Error")
    @with_assertion_polling
    def get_agent_run_error(
        self,
        run: str,
        assertion_operator: AssertionOperator | None = None,
        assertion_expected: Any = None,
        message: str | None = None,
        *,
        retry_timeout: timedelta | None = None,
    ) -> str | None:
        """Why ``run`` failed or was cancelled, in the system's own words (``None`` otherwise).

        The words differ from system to system: a suite meant for any system asserts `Get Agent Run Error Kind`.
        ``retry_timeout`` is how long the keyword keeps polling until its assertion holds.

        Example:
        | `Get Agent Run Error`    ${run}    contains    400 Bad Request
        """

        def text(view: RunView) -> str | None:
            return None if view.error is None else view.error.message

        return self._value(run, text, "Error", assertion_operator, assertion_expected, message)

    @keyword("Get Agent Run Error Kind")
    @with_assertion_polling
    def get_agent_run_error_kind(
        self,
        run: str,
        assertion_operator: AssertionOperator | None = None,
        assertion_expected: Any = None,
        message: str | None = None,
        *,
        retry_timeout: timedelta | None = None,
    ) -> str | None:
        """The kind of error ``run`` failed with (``None`` without an error): ``rate_limited``, ``overloaded``,
        ``server_error``, ``timeout``, ``unreachable``, ``bad_request``, ``invalid_answer``, ``budget``,
        ``deadline``, ``crashed``, ``dead_lettered``, ``cancelled`` or ``unknown`` (the adapter reports no kind).

        ``retry_timeout`` is how long the keyword keeps polling until its assertion holds.

        Example:
        | `Get Agent Run Error Kind`    ${run}    ==    rate_limited
        """

        def kind(view: RunView) -> str | None:
            error = view.error
            if error is not None and error.kind == ErrorKind.UNKNOWN and assertion_expected not in (None, "unknown"):
                raise AssertionError(
                    f"Error kind of run {run}: the adapter reports no kind, only the text '{error.message}' "
                    f"(expected {assertion_expected}): map its errors to RunError kinds."
                )
            return None if error is None else error.kind

        return self._value(run, kind, "Error kind", assertion_operator, assertion_expected, message)

    @keyword("Get Agent Run Error Status")
    @with_assertion_polling
    def get_agent_run_error_status(
        self,
        run: str,
        assertion_operator: AssertionOperator | None = None,
        assertion_expected: Any = None,
        message: str | None = None,
        *,
        retry_timeout: timedelta | None = None,
    ) -> int | None:
        """The provider's HTTP status behind ``run``'s error, where the adapter knows it (``None`` otherwise).

        ``retry_timeout`` is how long the keyword keeps polling until its assertion holds.

        Example:
        | `Get Agent Run Error Status`    ${run}    ==    400
        """
        expected = None if assertion_expected in (None, "None") else int(assertion_expected)

        def status(view: RunView) -> int | None:
            return None if view.error is None else view.error.status

        return self._value(run, status, "Error status", assertion_operator, expected, message)

    @keyword("Get Agent Run Cost")
    @with_assertion_polling
    def get_agent_run_cost(
        self,
        run: str,
        assertion_operator: AssertionOperator | None = None,
        assertion_expected: Any = None,
        message: str | None = None,
        *,
        retry_timeout: timedelta | None = None,
    ) -> float:
        """What the LLM calls of ``run`` cost, in USD, as the system recorded it.

        ``retry_timeout`` is how long the keyword keeps polling until its assertion holds.

        Example:
        | `Get Agent Run Cost`    ${run}    >    0
        """
        expected = None if assertion_expected is None else float(assertion_expected)
        return self._value(run, attrgetter("cost_usd"), "Cost (USD)", assertion_operator, expected, message)

    @keyword("Get Agent Run Tokens")
    @with_assertion_polling
    def get_agent_run_tokens(
        self,
        run: str,
        assertion_operator: AssertionOperator | None = None,
        assertion_expected: Any = None,
        message: str | None = None,
        *,
        retry_timeout: timedelta | None = None,
    ) -> int:
        """Input plus output tokens of every LLM call of ``run``.

        ``retry_timeout`` is how long the keyword keeps polling until its assertion holds.

        Example:
        | `Get Agent Run Tokens`    ${run}    >    0
        """
        expected = None if assertion_expected is None else int(assertion_expected)
        return self._value(run, _tokens, "Tokens", assertion_operator, expected, message)

    @keyword("Get Agent Run Step Count")
    @with_assertion_polling
    def get_agent_run_step_count(
        self,
        run: str,
        assertion_operator: AssertionOperator | None = None,
        assertion_expected: Any = None,
        message: str | None = None,
        *,
        retry_timeout: timedelta | None = None,
    ) -> int:
        """How many steps the plan of ``run`` has.

        ``retry_timeout`` is how long the keyword keeps polling until its assertion holds.

        Example:
        | `Get Agent Run Step Count`    ${run}    ==    3
        """
        expected = None if assertion_expected is None else int(assertion_expected)
        return self._value(run, lambda view: len(view.steps), "Steps", assertion_operator, expected, message)

    def _value(
        self,
        run: str,
        value_of: Callable[[RunView], Any],
        label: str,
        operator: AssertionOperator | None,
        expected: Any,
        message: str | None,
    ) -> Any:
        value = verify_assertion(value_of(self.run_view(run)), operator, expected, f"{label} of run {run}", message)
        logger.info(f"Run {run} {label.lower()}: {value}")
        return value

    def _wait_all(self, runs: list[str], timeout: timedelta) -> list[RunView]:
        finished: dict[str, RunView] = {}

        def all_finished() -> bool:
            statuses = self._statuses([r for r in runs if r not in finished])
            for run_id, status in statuses.items():
                if status in TERMINAL:
                    view = finished[run_id] = self.run_view(run_id)
                    logger.info(f"Run {run_id} {view.status}" + (f": {view.error}" if view.error else "."))
            return len(finished) == len(runs)

        wait_until(
            all_finished,
            timeout,
            pause=self.retry_pause,
            message=lambda: self._not_finished(runs, finished, timeout),
        )
        return [finished[run_id] for run_id in runs]

    def _statuses(self, run_ids: list[str]) -> dict[str, str | None]:
        """One query for every run when the adapter can list its runs, else one read per run."""
        try:
            stored = self.adapter.stored_statuses()
        except NotSupported:
            return {run_id: self.adapter.run(run_id).status for run_id in run_ids}
        return {run_id: stored.get(run_id) for run_id in run_ids}

    def _not_finished(self, runs: list[str], finished: dict[str, RunView], timeout: timedelta) -> str:
        waiting = [self.run_view(run_id) for run_id in runs if run_id not in finished]
        shown = "; ".join(
            f"{view.id} {view.status} (steps: {', '.join(s.status for s in view.steps) or 'none'})"
            for view in waiting[:5]
        )
        return f"{len(waiting)} of {len(runs)} run(s) did not finish within {duration(timeout)}: {shown}"

    def _model(self, provider: str) -> str:
        """The model, against the emulator with the system's scope: the same scope its base URLs carry, for
        systems that send the model they are given."""
        mode, model = self.library.models.get(provider, ("real", None))
        if mode != "emulator":
            return model
        return scoped_model(model, llm_state().script_scope)


def _tokens(view: RunView) -> int:
    """Input plus output tokens."""
    return view.input_tokens + view.output_tokens
