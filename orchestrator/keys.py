"""The orchestrator's Redis key layout, defined once: `queues.Queues` writes these keys, the kit's adapter reads them.

Every key starts with the system's prefix (``ORCH_KEY_PREFIX``), so several systems share one Redis without meeting.
Standard library only: the adapter imports this module in Robot runs.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

DEFAULT_PREFIX = "orch:"
PLAN_STREAM = "plan"
"""Payload ``{"run_id"}``: a run to plan."""
STEP_STREAM = "steps"
"""Payload ``{"run_id", "step_no"}``: a step to carry out."""
AGGREGATE_STREAM = "aggregate"
"""Payload ``{"run_id"}``: a run whose steps are done, to answer."""
ROLE_STREAMS = {"planner": PLAN_STREAM, "worker": STEP_STREAM, "aggregator": AGGREGATE_STREAM}
"""The stream each agent role consumes."""
STREAM_ROLES = {stream: role for role, stream in ROLE_STREAMS.items()}
"""The agent role that consumes each work stream."""
WORK_STREAMS = tuple(ROLE_STREAMS.values())
DEAD_LETTER_STREAM = "dead"
GROUP = "agents"
"""The consumer group on every stream; each agent process is a consumer named after itself."""
STATUS_FIELD = "status"
"""The field of a cached run holding the status."""
RUN_CACHE = "cache:run"
"""Not a stream: the outbox rows that carry a run's cached copy (payload: the `RUN_FIELDS` and ``version``)."""
RUN_FIELDS = ("status", "step_count", "result_digest", "result", "finished_at")
"""The fields of a cached run besides ``version`` (the run's change counter in PostgreSQL, never lowered in the
cache) and ``updated_at`` (Unix time of the write). A field whose value is none is absent from the hash."""


def result_digest(result: str | None) -> str | None:
    """The ``result_digest`` of a cached run: the hex SHA-256 of the result text (UTF-8); None without a result."""
    return None if result is None else hashlib.sha256(result.encode()).hexdigest()


def agent_name(host: str, pid: int) -> str:
    """The default name of an agent process: its consumer name and the suffix of its heartbeat key."""
    return f"agent-{host}-{pid}"


@dataclass(frozen=True)
class Keys:
    """The keys of one system, under its prefix."""

    prefix: str = DEFAULT_PREFIX

    def stream(self, name: str) -> str:
        """A stream: a work stream of `WORK_STREAMS` or the dead-letter stream."""
        return f"{self.prefix}stream:{name}"

    def stream_name(self, key: str) -> str:
        """The name of the stream stored at `key` (the inverse of `stream`)."""
        return key.removeprefix(self.stream(""))

    @property
    def dead_letters(self) -> str:
        return self.stream(DEAD_LETTER_STREAM)

    @property
    def delivery_errors(self) -> str:
        """A hash: entry id -> the last unclassified error of that message."""
        return f"{self.prefix}delivery-errors"

    def run(self, run_id: str) -> str:
        """The cached copy of a run: a hash of `RUN_FIELDS`, ``version`` and ``updated_at``, with a TTL."""
        return f"{self.prefix}run:{run_id}"

    def run_status(self, run_id: str) -> str:
        """The cached copy of a run (its former name, when it held the status only)."""
        return self.run(run_id)

    def heartbeat(self, agent: str) -> str:
        """An agent's heartbeat, a string with a TTL."""
        return f"{self.prefix}worker:{agent}"

    @property
    def heartbeats(self) -> str:
        """The SCAN pattern of every heartbeat key."""
        return self.heartbeat("*")

    @property
    def epoch(self) -> str:
        """Set by the reconciler; missing means Redis lost its data."""
        return f"{self.prefix}epoch"

    @property
    def everything(self) -> str:
        """The SCAN pattern of every key of the system."""
        return f"{self.prefix}*"
