from __future__ import annotations

from datetime import timedelta
from typing import Any

from assertionengine import AssertionOperator, verify_assertion
from robot.api import logger
from robot.api.deco import keyword

from libraries.common import with_assertion_polling

from ..base import AgentSystemComponent, skip_unsupported
from ..contract import Capability, RunView
from ..errors import AgentSystemError, RunNotFound


class CheckKeywords(AgentSystemComponent):
    """What orchestration must guarantee: nothing lost, nothing applied twice, stores in agreement."""

    @keyword("Each Step Should Have Been Applied Once")
    def each_step_should_have_been_applied_once(self, *runs: str | list[str]) -> None:
        """Every step of a succeeded run was applied exactly once; no step of any other run more than once.

        Takes run ids, or lists of them. A succeeded run with no steps at all fails the check, named: a run
        succeeds only through its steps, so no steps means they were never planned or are not reported, and the
        check would prove nothing. A run that failed or was cancelled before it was planned may have none.

        Example:
        | `Each Step Should Have Been Applied Once`    ${run}
        | `Each Step Should Have Been Applied Once`    @{runs}
        """
        run_ids = _flatten(runs)
        if not run_ids:
            raise AssertionError("Each Step Should Have Been Applied Once was given no run to check.")
        views = [self.run_view(run_id) for run_id in run_ids]
        wrong = [
            f"run {view.id} step {step.number} applied {step.applied} times ({step.status})"
            for view in views
            for step in view.steps
            if step.applied > 1 or (view.status == "succeeded" and step.applied != 1)
        ]
        steps = sum(len(view.steps) for view in views)
        empty = [f"run {view.id}" for view in views if view.status == "succeeded" and not view.steps]
        problems = []
        if empty:
            problems.append(f"{len(empty)} of {len(views)} succeeded run(s) have no steps: {'; '.join(empty[:10])}")
        if wrong:
            problems.append(f"{len(wrong)} of {steps} steps were not applied once: {'; '.join(wrong[:10])}")
        if problems:
            raise AssertionError(". ".join(problems))
        logger.info(f"{steps} steps of {len(views)} run(s): each applied once (or not at all in unfinished runs).")

    @keyword("Each Step Should Have Asked The LLM Once")
    def each_step_should_have_asked_the_llm_once(self, run: str) -> None:
        """Every step of ``run`` called the LLM once: a redelivered step reused the stored answer.

        Example:
        | `Each Step Should Have Asked The LLM Once`    ${run}
        """
        view = self.run_view(run)
        wrong = [f"step {step.number}: {step.llm_calls} calls" for step in view.steps if step.llm_calls != 1]
        if wrong:
            raise AssertionError(f"Run {run} asked the LLM more or less than once per step: {', '.join(wrong)}")

    @keyword("No Agent Run Should Be Lost")
    def no_agent_run_should_be_lost(self, *runs: str | list[str]) -> None:
        """Every run is known to the system and has finished: none lost between submit and the end.

        A run is lost when the adapter says the system does not know it (it raises `RunNotFound` from
        ``libraries.agent_system.errors``) or when it has not finished. Any other exception while reading a run
        is an error of the kit or the adapter, not of the system: it is reported separately, as such, and never
        counted as lost.

        Example:
        | `No Agent Run Should Be Lost`    @{runs}
        """
        views: list[RunView] = []
        lost, unreadable = [], []
        for run_id in _flatten(runs):
            try:
                views.append(self.run_view(run_id))
            except RunNotFound as unknown:
                lost.append(f"{run_id} (unknown to the system: {unknown})")
            except Exception as error:
                unreadable.append(f"{run_id} ({type(error).__name__}: {error})")
        lost += [f"{view.id} ({view.status})" for view in views if not view.finished]
        problems = []
        if lost:
            problems.append(f"{len(lost)} run(s) lost or unfinished: {'; '.join(lost[:10])}")
        if unreadable:
            problems.append(
                f"the adapter failed to read {len(unreadable)} run(s), an error of the kit or the adapter and not "
                f"counted as lost: {'; '.join(unreadable[:10])}"
            )
        if unreadable and not lost:
            raise AgentSystemError(f"No Agent Run Should Be Lost could not check every run: {problems[0]}")
        if problems:
            raise AssertionError(". ".join(problems))
        logger.info(f"All {len(views)} runs are stored and finished.")

    @keyword("Delete Agent System Cache")
    def delete_agent_system_cache(self) -> int:
        """Deletes everything the system keeps in its cache server (Redis), as a restart that lost its data.

        Returns the number of keys deleted. The system must repair itself from its source of truth.

        Example:
        | `Delete Agent System Cache`
        """
        deleted = self.require(Capability.CACHE_REPAIR, "lose and repair its cache").drop_cached_state()
        logger.info(f"Deleted {deleted} cached key(s) of the agent system.")
        return deleted

    @keyword("Get Agent Dead Letter Count")
    @with_assertion_polling
    def get_agent_dead_letter_count(
        self,
        assertion_operator: AssertionOperator | None = None,
        assertion_expected: Any = None,
        message: str | None = None,
        *,
        retry_timeout: timedelta | None = None,
    ) -> int:
        """How many messages went to the dead-letter queue.

        ``retry_timeout`` is how long the keyword keeps polling until its assertion holds.

        Example:
        | `Get Agent Dead Letter Count`    ==    1
        """
        adapter = self.require(Capability.DEAD_LETTERS, "show dead letters")
        expected = None if assertion_expected is None else int(assertion_expected)
        letters = skip_unsupported(adapter.dead_letters)
        count = verify_assertion(len(letters), assertion_operator, expected, "Dead letters", message)
        for letter in letters:
            logger.info(f"Dead letter: {self.scrub(str(letter))}")
        return count


def _flatten(runs: tuple[Any, ...]) -> list[str]:
    flat: list[str] = []
    for item in runs:
        flat.extend(item if isinstance(item, list | tuple) else [item])
    return [str(run_id) for run_id in flat]
