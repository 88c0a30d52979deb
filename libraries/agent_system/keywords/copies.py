from __future__ import annotations

import time
from dataclasses import replace
from datetime import timedelta

from robot.api import logger
from robot.api.deco import keyword

from libraries.common import duration, poll

from ..base import AgentSystemComponent, skip_unsupported
from ..contract import Capability, RunCopy, declared_capabilities
from ..errors import AgentSystemError
from .comparison import Copies, differing_fields, html_table, text_table


class CopyKeywords(AgentSystemComponent):
    """A run's copies in each service (source of truth, cache, the system's answer), compared field by field."""

    @keyword("Get Stored Agent Run")
    def get_stored_agent_run(self, run: str) -> RunCopy:
        """The run as the system's source of truth holds it (PostgreSQL for the reference system), read there.

        Returns a copy with ``status``, ``step_count``, ``result_digest`` (SHA-256 of the result), ``result`` and
        ``finished_at``. Skipped when the adapter cannot read its source of truth.

        Example:
        | ${stored}    `Get Stored Agent Run`    ${run}
        | Should Be Equal    ${stored.status}    succeeded
        """
        copy = skip_unsupported(lambda: self.adapter.stored_run(run))
        if copy is None:
            raise AgentSystemError(f"The source of truth of {self.adapter.name} has no run {run}.")
        return self._logged(run, "stored", self._scrubbed(copy))

    @keyword("Get Cached Agent Run")
    def get_cached_agent_run(self, run: str) -> RunCopy | None:
        """The run as the system's cache holds it (Redis for the reference system); ``None`` when it has no copy.

        Skipped when the adapter has no cache to compare (capability ``cached_state``).

        Example:
        | ${cached}    `Get Cached Agent Run`    ${run}
        """
        adapter = self.require(Capability.CACHED_STATE, "show its cached copy of a run")
        copy = skip_unsupported(lambda: adapter.cached_run(run))
        return self._logged(run, "cached", None if copy is None else self._scrubbed(copy))

    @keyword("Get Reported Agent Run")
    def get_reported_agent_run(self, run: str) -> RunCopy:
        """The run as the system answers for it (its API), as a copy to compare with the others.

        Keep it to compare later: what the system reported when the run finished, say.

        Example:
        | ${answer}    `Get Reported Agent Run`    ${run}
        | `Agent Run Should Agree Across Services Now`    ${run}    reported=${answer}
        """
        return self._logged(run, "reported", RunCopy.of(self.run_view(run)))

    @keyword("Agent Run Should Agree Across Services Now")
    def agent_run_should_agree_across_services_now(self, run: str, reported: RunCopy | None = None) -> None:
        """The stored copy, the cached copy and the system's answer of ``run`` agree in every field, at this instant.

        Compared: status, step count, result digest, result and finish time (where a copy shows it). ``reported``
        is an answer kept from `Get Reported Agent Run` (by default the system is asked now). Fails with a table of
        the fields that differ and what each copy said; on success the compared values are logged as a table.

        The copies are read one after the other, not atomically: use this form when the system is at rest (a
        finished run); `Agent Run State Should Agree Across Services` waits for a cache that lags. Skipped when the
        adapter has no cache to compare (capability ``cached_state``).

        Example:
        | `Agent Run Should Agree Across Services Now`    ${run}
        | `Agent Run Should Agree Across Services Now`    ${run}    reported=${answer_at_finish}
        """
        self.require(Capability.CACHED_STATE, "compare its stores")
        copies = self._copies(run, reported)
        differ = differing_fields(copies)
        if differ:
            raise AssertionError(text_table(run, copies, differ))
        logger.info(html_table(run, copies, []), html=True)

    @keyword("Agent Run State Should Agree Across Services")
    def agent_run_state_should_agree_across_services(
        self, *runs: str | list[str], retry_timeout: timedelta = timedelta(seconds=5)
    ) -> None:
        """The stored copy, the cached copy and the system's answer of every run agree in every field.

        Compared as in `Agent Run Should Agree Across Services Now`: status, step count, result digest, result and
        finish time. Without run ids, every run of the system is compared. ``retry_timeout`` is how long the
        keyword keeps polling until its assertion holds: a cache may lag, and a system may repair it. Each
        disagreement seen while polling is logged (with the time it was seen), so a repair shows in the log.

        *Limit:* the cache follows the source of truth, never the other way. A wrong value written into the source
        of truth (PostgreSQL) is copied into the cache, and this keyword passes once both hold it; compare with an
        answer kept earlier (`Agent Run Should Agree Across Services Now` with ``reported``) to catch that.

        Example:
        | `Agent Run State Should Agree Across Services`
        | `Agent Run State Should Agree Across Services`    ${run}    retry_timeout=10 s
        """
        adapter = self.require(Capability.CACHED_STATE, "compare its stores")
        wanted = _flatten(runs) or sorted(skip_unsupported(adapter.stored_statuses))
        started = time.monotonic()
        seen: list[str] = []

        def attempt() -> list[tuple[str, Copies]]:
            checked = [(run, self._copies(run, None)) for run in wanted]
            failures = [(run, copies, differing_fields(copies)) for run, copies in checked]
            failures = [failure for failure in failures if failure[2]]
            if failures:
                shown = "\n".join(text_table(*failure) for failure in failures[:10])
                message = f"{len(failures)} of {len(checked)} run(s) disagree across services:\n{shown}"
                if not seen or seen[-1] != message:
                    seen.append(message)
                    at = duration(time.monotonic() - started)
                    tables = "".join(html_table(*failure) for failure in failures[:10])
                    logger.info(f"Disagreement seen after {at}:{tables}", html=True)
                raise AssertionError(message)
            return checked

        checked = poll(attempt, retry_timeout, pause=self.retry_pause)
        if seen:
            logger.info(f"The runs agreed after {len(seen)} disagreement(s) seen (logged above).")
        logger.info("".join(html_table(run, copies, []) for run, copies in checked[:20]), html=True)
        logger.info(f"Stored, cached and reported copies agree on {len(checked)} run(s).")

    # -- test helpers: corrupting a copy behind the system's back ---------------------------------------------------

    @keyword("Corrupt Cached Result Of Agent Run")
    def corrupt_cached_result_of_agent_run(self, run: str, result: str) -> None:
        """Overwrites the result in the run's cached copy (not its digest), as a cache gone wrong would.

        A test helper. Skipped unless the adapter allows it (capability ``corrupt_cache``).

        Example:
        | `Corrupt Cached Result Of Agent Run`    ${run}    a result nobody stored
        """
        self._require_cache_corruption().corrupt_cached_run(run, result=result)
        logger.info(f"Overwrote the cached result of run {run}.")

    @keyword("Corrupt Cached Status Of Agent Run")
    def corrupt_cached_status_of_agent_run(self, run: str, status: str) -> None:
        """Overwrites the status in the run's cached copy. A test helper (capability ``corrupt_cache``).

        Example:
        | `Corrupt Cached Status Of Agent Run`    ${run}    running
        """
        self._require_cache_corruption().corrupt_cached_run(run, status=status)
        logger.info(f"Overwrote the cached status of run {run} with '{status}'.")

    @keyword("Delete Cached Copy Of Agent Run")
    def delete_cached_copy_of_agent_run(self, run: str) -> None:
        """Deletes the run's cached copy, leaving the rest of the cache. A test helper (capability
        ``corrupt_cache``).

        Example:
        | `Delete Cached Copy Of Agent Run`    ${run}
        """
        deleted = self._require_cache_corruption().delete_cached_run(run)
        logger.info(f"Deleted the cached copy of run {run}." if deleted else f"Run {run} had no cached copy.")

    @keyword("Corrupt Stored Result Of Agent Run")
    def corrupt_stored_result_of_agent_run(self, run: str, result: str) -> None:
        """Overwrites the run's result in the source of truth (PostgreSQL), as a hand-made edit would; the cache
        then copies it. A test helper (capability ``corrupt_store``).

        Example:
        | `Corrupt Stored Result Of Agent Run`    ${run}    a result nobody answered
        """
        adapter = self.require(Capability.CORRUPT_STORE, "have its stored runs corrupted")
        skip_unsupported(lambda: adapter.corrupt_stored_result(run, result))
        logger.info(f"Overwrote the stored result of run {run}.")

    @keyword("Require Agent System Capability")
    def require_agent_system_capability(self, capability: str, what: str = "") -> None:
        """Skips the test unless the adapter lists ``capability``: call it before submitting anything.

        Example:
        | `Require Agent System Capability`    corrupt_cache    have its cache corrupted
        """
        self.require(capability, what or f"do what needs '{capability}'")

    @keyword("Agent System Has Capability")
    def agent_system_has_capability(self, capability: str) -> bool:
        """True when the adapter lists ``capability``: for keywords that adapt to the system (never to skip).

        Example:
        | ${streams} =    `Agent System Has Capability`    streaming
        """
        return capability in declared_capabilities(self.adapter)[0]

    # -- plumbing ---------------------------------------------------------------------------------------------------

    def _require_cache_corruption(self):
        return self.require(Capability.CORRUPT_CACHE, "have its cache corrupted")

    def _copies(self, run: str, reported: RunCopy | None) -> Copies:
        adapter = self.adapter
        stored = adapter.stored_run(run)
        cached = adapter.cached_run(run)
        answer = reported if reported is not None else RunCopy.of(self.run_view(run))
        return {
            "stored": None if stored is None else self._scrubbed(stored),
            "cached": None if cached is None else self._scrubbed(cached),
            "reported": self._scrubbed(answer),
        }

    def _scrubbed(self, copy: RunCopy) -> RunCopy:
        return replace(copy, result=self.scrub(copy.result))

    def _logged(self, run: str, source: str, copy: RunCopy | None) -> RunCopy | None:
        logger.info(html_table(run, {source: copy}, []), html=True)
        return copy


def _flatten(runs: tuple) -> list[str]:
    flat: list[str] = []
    for item in runs:
        flat.extend(item if isinstance(item, list | tuple) else [item])
    return [str(run_id) for run_id in flat]
