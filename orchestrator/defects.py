"""The catalogue of seeded defects: test-only misbehaviour that proves the kit's checks can fail.

``ORCHESTRATOR_DEFECTS=name[,name]`` switches defects on (read in `settings`, refused unless the PostgreSQL target
looks like a test database). This is the only way the reference system misbehaves on purpose: each defect is a name
in `CATALOGUE` with a one-line symptom, and a hook of `Defects` that the system calls at the one place where such a
bug would live. Every defect is small, of a kind that ships in real orchestrators, and bounded so that a shared test
server stays usable. `CAUGHT_BY` names the suites that catch each one (the fast subset runs the first).
"""

from __future__ import annotations

import time
from typing import Any

LEAK_MEMORY_PER_RUN = "leak_memory_per_run"
HOLD_CONNECTION_PER_STEP = "hold_connection_per_step"
REAPPLY_REDELIVERED_STEP = "reapply_redelivered_step"
ACK_BEFORE_COMMIT = "ack_before_commit"
NEVER_CLAIM_DEAD_CONSUMER = "never_claim_dead_consumer"
RESTART_STEP_FROM_SCRATCH = "restart_step_from_scratch"
NO_RESUME_AFTER_CRASH = "no_resume_after_crash"
STALE_CACHE_ON_FINISH = "stale_cache_on_finish"
STORED_RESULT_DIFFERS = "stored_result_differs"
RECONCILE_WRONG_WAY = "reconcile_wrong_way"
NO_RETRY_ON_429 = "no_retry_on_429"
RETRY_OVERLOADED_FOREVER = "retry_overloaded_forever"
ACCEPT_TRUNCATED_STREAM = "accept_truncated_stream"
IGNORE_RUN_DEADLINE = "ignore_run_deadline"
SUCCEED_BEFORE_STEPS_APPLIED = "succeed_before_steps_applied"
AGGREGATE_OUT_OF_ORDER = "aggregate_out_of_order"
POISON_RETRIED_FOREVER = "poison_retried_forever"
SLOW_STEP = "slow_step"
HEALTH_OK_WHILE_REDIS_DOWN = "health_ok_while_redis_down"

CATALOGUE = {
    LEAK_MEMORY_PER_RUN: "each finished run keeps about 1 MiB alive in the agent process that finished it",
    HOLD_CONNECTION_PER_STEP: "each step opens a PostgreSQL connection outside the pool and never closes it",
    REAPPLY_REDELIVERED_STEP: "a redelivered step applies its effect again (the step's status guard is ignored)",
    ACK_BEFORE_COMMIT: "a message is acknowledged before its work is committed: a crash then loses the step",
    NEVER_CLAIM_DEAD_CONSUMER: "pending entries of a dead consumer are never claimed: its steps wait for ever",
    RESTART_STEP_FROM_SCRATCH: "a reclaimed step ignores its stored answer and asks the LLM again, unrecorded",
    NO_RESUME_AFTER_CRASH: "a step left running by a killed worker is never taken over: the run stays running",
    STALE_CACHE_ON_FINISH: "the Redis copy of a run is not updated when it succeeds (it keeps saying aggregating)",
    STORED_RESULT_DIFFERS: "the stored result drops the answer's last character (a newline strip that assumes one)",
    RECONCILE_WRONG_WAY: "the reconciler copies the cached status and result into PostgreSQL instead of back",
    NO_RETRY_ON_429: "a 429 rate limit from the LLM is not retried: the step fails at once",
    RETRY_OVERLOADED_FOREVER: "a 503/529 overloaded answer is retried without bound (until 150 s have passed)",
    ACCEPT_TRUNCATED_STREAM: "a stream that ends without its finish reason is taken as the full answer",
    IGNORE_RUN_DEADLINE: "a run's deadline is not enforced: a late run goes on and may succeed",
    SUCCEED_BEFORE_STEPS_APPLIED: "the run moves on to its final answer when one step is still open (off by one)",
    AGGREGATE_OUT_OF_ORDER: "the aggregator merges the steps' results in reverse order",
    POISON_RETRIED_FOREVER: "a poison message is redelivered without bound instead of going to the dead-letter stream",
    SLOW_STEP: "each step takes 100 ms longer (a blocking call left in the worker)",
    HEALTH_OK_WHILE_REDIS_DOWN: "/health says ok while Redis is down (the probe swallows its error)",
}
"""Every defect by name, with the symptom a test of the kit must catch."""

CRASH_SUITES = (
    "suites/orchestration/crash_recovery.robot",
    "suites/orchestration/crash_kills.robot",
    "suites/faults/postgres_faults.robot",
)
LLM_FAULT_SUITES = ("suites/orchestration/llm_faults.robot", "suites/faults/redis_and_llm_faults.robot")
CAUGHT_BY = {
    LEAK_MEMORY_PER_RUN: ("suites/load/agent_runs.robot",),
    HOLD_CONNECTION_PER_STEP: ("suites/load/agent_runs.robot",),
    REAPPLY_REDELIVERED_STEP: ("suites/orchestration/crash_recovery.robot",),
    ACK_BEFORE_COMMIT: CRASH_SUITES,
    NEVER_CLAIM_DEAD_CONSUMER: CRASH_SUITES,
    RESTART_STEP_FROM_SCRATCH: ("suites/orchestration/crash_recovery.robot",),
    NO_RESUME_AFTER_CRASH: CRASH_SUITES,
    STALE_CACHE_ON_FINISH: ("suites/orchestration/consistency.robot",),
    STORED_RESULT_DIFFERS: ("suites/orchestration/flow.robot",),
    RECONCILE_WRONG_WAY: ("suites/orchestration/consistency.robot",),
    NO_RETRY_ON_429: LLM_FAULT_SUITES,
    RETRY_OVERLOADED_FOREVER: LLM_FAULT_SUITES,
    ACCEPT_TRUNCATED_STREAM: ("suites/orchestration/llm_faults.robot",),
    IGNORE_RUN_DEADLINE: ("suites/orchestration/flow.robot",),
    SUCCEED_BEFORE_STEPS_APPLIED: ("suites/orchestration/flow.robot", "suites/orchestration/crash_recovery.robot"),
    AGGREGATE_OUT_OF_ORDER: ("suites/orchestration/flow.robot",),
    POISON_RETRIED_FOREVER: ("suites/orchestration/crash_recovery.robot",),
    SLOW_STEP: ("suites/load/agent_runs.robot",),
    HEALTH_OK_WHILE_REDIS_DOWN: ("suites/health/health.robot", "suites/faults/redis_and_llm_faults.robot"),
}
"""The suites that catch each defect (measured with scripts/catch_rate.py; for a missed defect, the suites that
should), the quickest first: the fast subset runs only that one. The full measurement runs all four areas."""

TIMING_DEPENDENT = frozenset(
    {LEAK_MEMORY_PER_RUN, HOLD_CONNECTION_PER_STEP, SLOW_STEP, RETRY_OVERLOADED_FOREVER, REAPPLY_REDELIVERED_STEP}
)
"""Defects whose catch depends on timing or load (a redelivery that races the work, a latency, a sampled growth);
the fast subset leaves them out."""

LEAKED_BYTES_PER_RUN = 1024 * 1024
HELD_CONNECTIONS_MAX = 8
"""Per agent process: more than its pool allows, few enough to leave a shared test server usable."""
OVERLOADED_STATUSES = frozenset({503, 529})
OVERLOADED_RETRY_BOUND_S = 150.0
"""How long `retry_overloaded_forever` keeps retrying: for ever as far as a test can tell, bounded for the server."""
OVERLOADED_RETRY_PAUSE_S = 0.5
POISON_DELIVERIES_MAX = 50
"""How often `poison_retried_forever` lets a message be delivered: for ever as far as a test can tell."""
SLOW_STEP_S = 0.1

_leaked: list[bytes] = []
_held: list[Any] = []


class Defects:
    """The hooks of the defects switched on in one process; each returns what the healthy code would do otherwise."""

    def __init__(
        self, names: tuple[str, ...], database_url: str = "", connect_options: dict[str, Any] | None = None
    ) -> None:
        self.names = frozenset(names)
        self._database_url = database_url
        self._connect_options = connect_options or {}

    def __contains__(self, name: str) -> bool:
        return name in self.names

    # -- load ---------------------------------------------------------------------------------------------------

    def run_finished(self) -> None:
        if LEAK_MEMORY_PER_RUN in self.names:
            _leaked.append(b"\x01" * LEAKED_BYTES_PER_RUN)  # written, so every page is resident

    def step_started(self) -> None:
        if HOLD_CONNECTION_PER_STEP in self.names and len(_held) < HELD_CONNECTIONS_MAX:
            import psycopg  # the catalogue itself is standard library only: the settings and the kit read it

            _held.append(psycopg.connect(self._database_url, **self._connect_options))
        if SLOW_STEP in self.names:
            time.sleep(SLOW_STEP_S)

    # -- delivery -----------------------------------------------------------------------------------------------

    def acks_before_work(self) -> bool:
        return ACK_BEFORE_COMMIT in self.names

    def claims_idle_entries(self) -> bool:
        return NEVER_CLAIM_DEAD_CONSUMER not in self.names

    def delivery_limit(self, max_deliveries: int) -> int:
        return POISON_DELIVERIES_MAX if POISON_RETRIED_FOREVER in self.names else max_deliveries

    def resumes_running_step(self) -> bool:
        return NO_RESUME_AFTER_CRASH not in self.names

    def reapplies_ended_step(self) -> bool:
        return REAPPLY_REDELIVERED_STEP in self.names

    def ignores_stored_answer(self, deliveries: int) -> bool:
        return RESTART_STEP_FROM_SCRATCH in self.names and deliveries > 1

    # -- flow ---------------------------------------------------------------------------------------------------

    def open_steps_allowed_at_aggregation(self) -> int:
        return 1 if SUCCEED_BEFORE_STEPS_APPLIED in self.names else 0

    def aggregation_order(self, steps: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return list(reversed(steps)) if AGGREGATE_OUT_OF_ORDER in self.names else steps

    def stored_result(self, answer: str) -> str:
        return answer[:-1] if STORED_RESULT_DIFFERS in self.names else answer

    def enforces_deadlines(self) -> bool:
        return IGNORE_RUN_DEADLINE not in self.names

    # -- consistency --------------------------------------------------------------------------------------------

    def caches_finished_run(self) -> bool:
        return STALE_CACHE_ON_FINISH not in self.names

    def reconciles_wrong_way(self) -> bool:
        return RECONCILE_WRONG_WAY in self.names

    # -- LLM ----------------------------------------------------------------------------------------------------

    def retries_status(self, status: int, retried: bool) -> bool:
        """Whether the SDK should retry an answer with `status`, given what it would decide (`retried`)."""
        if NO_RETRY_ON_429 in self.names and status == 429:
            return False
        return retried

    def retries_overloaded_without_bound(self, status: int | None) -> bool:
        return RETRY_OVERLOADED_FOREVER in self.names and status in OVERLOADED_STATUSES

    def accepts_truncated_stream(self) -> bool:
        return ACCEPT_TRUNCATED_STREAM in self.names

    # -- health -------------------------------------------------------------------------------------------------

    def hides_redis_errors(self) -> bool:
        return HEALTH_OK_WHILE_REDIS_DOWN in self.names
