"""The adapter contract: what the orchestration suites need from a multi-agent system.

A team tests its own system by writing one class with these methods and selecting it with
``AGENT_SYSTEM=package.module:ClassName``. Methods an adapter cannot support raise `NotSupported`, and the
adapter lists only the capabilities it has in ``capabilities``: tests that need a missing one are skipped with
a reason naming it, never passed.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import subprocess
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from libraries.common import WaitTimeout, wait_until

TERMINAL = ("succeeded", "failed", "cancelled")
"""The statuses a run ends in."""
STATUSES = ("pending", "planning", "running", "aggregating", *TERMINAL)
"""Every status word a run may have. A system may skip the ones in between (``pending`` → ``running`` →
``succeeded``); the kit only waits for the terminal ones and reads ``running`` as "not finished"."""


CONTRACT_VERSION = 2
"""The contract this module describes. An adapter says which one it was written to in ``contract_version``."""


class Capability:
    """Names an adapter lists in ``capabilities``."""

    KILL_WORKER = "kill_worker"
    """The kit can SIGKILL the process doing a step (`kill_worker`) and start workers (`start_worker`). Whatever
    the system does then, the run must reach a terminal state within the adapter's deadline: finished after a
    resume, or failed with a reason; a run left ``running`` fails the crash tests."""
    RESUMES_AFTER_CRASH = "resumes_after_crash"
    """Another worker takes over the step of a killed one, and the run still succeeds."""
    USAGE = "usage"
    """Runs report their tokens and cost (`RunView.input_tokens`, `output_tokens`, `cost_usd`)."""
    STREAMING = "streaming"
    """The system streams its LLM answers, so stream faults (a truncated or broken stream) reach it."""
    CACHED_STATE = "cached_state"
    """A second store (e.g. a Redis cache) whose view of a run can be compared with the source of truth."""
    CACHE_REPAIR = "cache_repair"
    """The cached state can be deleted, and the system repairs it by itself."""
    DEAD_LETTERS = "dead_letters"
    """Messages that fail too often go to a dead-letter queue that can be read."""
    CANCEL = "cancel"
    """A run can be cancelled (`cancel`): it ends ``cancelled`` and no step of it is applied after that."""
    DEADLINE = "deadline"
    """A run submitted with a deadline fails when the deadline passes."""
    PROVIDERS = "providers"
    """Both OpenAI and Anthropic can be chosen per run."""
    FAILPOINTS = "failpoints"
    """A worker can be started to SIGKILL itself at a named point of a step (`start_worker(failpoint=...)`)."""
    SCRIPTED_PLAN = "scripted_plan"
    """The planner's LLM answer can be written for a test (`plan_answer`), so a run gets the steps it needs."""
    CORRUPT_CACHE = "corrupt_cache"
    """A test may overwrite fields of a run's cached copy and delete it (`corrupt_cached_run`, `delete_cached_run`)."""
    CORRUPT_STORE = "corrupt_store"
    """A test may overwrite a run's result in the source of truth (`corrupt_stored_result`)."""
    SEEDED_DEFECTS = "seeded_defects"
    """The system switches on defects of its own catalogue (`SystemConfig.defects`), to prove that checks catch them."""


@dataclass(frozen=True)
class SystemConfig:
    """Where the system under test finds its services; URLs and keys are secrets: never log them."""

    database_url: str = field(repr=False)
    schema: str
    redis_url: str = field(repr=False)
    key_prefix: str
    openai_base_url: str | None = None
    anthropic_base_url: str | None = None
    openai_api_key: str | None = field(default=None, repr=False)
    anthropic_api_key: str | None = field(default=None, repr=False)
    workers: int = 2
    visibility_timeout_s: float = 2.0
    max_deliveries: int = 3
    log_file: str | None = None
    llm_timeout_s: float | None = None
    """How long one LLM request may take; None: the system's own default."""
    check_database_url: str | None = field(default=None, repr=False)
    check_redis_url: str | None = field(default=None, repr=False)
    """Where the kit's checks reach the same stores when the system's URLs go through fault proxies."""
    defects: tuple[str, ...] = ()
    """Seeded defects to switch on (reference system: ``orchestrator/defects.py``); test databases only."""


@dataclass(frozen=True)
class SystemProcess:
    """One OS process of the system under test."""

    role: str
    """What it is: ``system`` (a parent), ``api``, ``agent``, ``worker`` ..."""
    name: str
    pid: int


@dataclass(frozen=True)
class ConnectionScope:
    """How the system's PostgreSQL connections are told apart from others on a shared server, and their limit."""

    application_name: str
    """The ``application_name`` of every connection the system opens (``pg_stat_activity``)."""
    pool_limit: int
    """The most connections the system's pools may hold together."""


class ErrorKind:
    """Why a run failed, as data: the kinds a failed run's `RunError` names."""

    RATE_LIMITED = "rate_limited"
    """The provider answered 429 and the system gave up."""
    OVERLOADED = "overloaded"
    """The provider answered 529 (overloaded) and the system gave up."""
    SERVER_ERROR = "server_error"
    """The provider answered 5xx and the system gave up (after its retries)."""
    TIMEOUT = "timeout"
    """An LLM request took longer than the system allows."""
    UNREACHABLE = "unreachable"
    """The provider could not be reached (connection refused or reset)."""
    BAD_REQUEST = "bad_request"
    """The provider refused the request (4xx other than 429): not retried."""
    INVALID_ANSWER = "invalid_answer"
    """An answer the system could not use: broken schema, truncated stream, unknown tool."""
    BUDGET = "budget"
    """The run's token or cost budget ran out."""
    DEADLINE = "deadline"
    """The run's own deadline passed."""
    CRASHED = "crashed"
    """The process doing the run died and nothing took its work over."""
    DEAD_LETTERED = "dead_lettered"
    """A step failed on every delivery it was allowed and went to the dead-letter queue."""
    CANCELLED = "cancelled"
    """The run was cancelled."""
    UNKNOWN = "unknown"
    """The adapter reports no kind (a plain-text error of a version 1 adapter)."""

    ALL = (
        RATE_LIMITED,
        OVERLOADED,
        SERVER_ERROR,
        TIMEOUT,
        UNREACHABLE,
        BAD_REQUEST,
        INVALID_ANSWER,
        BUDGET,
        DEADLINE,
        CRASHED,
        DEAD_LETTERED,
        CANCELLED,
        UNKNOWN,
    )

    @staticmethod
    def of_status(status: int) -> str:
        """The kind of a provider's HTTP error status: 429, 529, other 5xx, other 4xx."""
        if status == 429:
            return ErrorKind.RATE_LIMITED
        if status == 529:
            return ErrorKind.OVERLOADED
        return ErrorKind.SERVER_ERROR if status >= 500 else ErrorKind.BAD_REQUEST


@dataclass(frozen=True)
class RunError:
    """A failed run's (or step's) error: its kind, the provider and HTTP status where one answered, and free text."""

    kind: str
    message: str = ""
    provider: str | None = None
    """``openai`` or ``anthropic`` when a provider's answer caused it."""
    status: int | None = None
    """The provider's HTTP status, when there was one."""

    @classmethod
    def of(cls, error: RunError | str | None) -> RunError | None:
        """The error as data: a plain string (version 1 adapters) is kind ``unknown`` with that text."""
        if error is None or isinstance(error, RunError):
            return error
        return cls(ErrorKind.UNKNOWN, str(error))

    def __str__(self) -> str:
        source = " ".join(str(part) for part in (self.provider, self.status) if part is not None)
        return f"{self.kind}{f' ({source})' if source else ''}: {self.message}"


@dataclass(frozen=True)
class StepView:
    number: int
    status: str
    applied: int
    """How many times the step's effect was applied: exactly once for a succeeded step."""
    llm_calls: int = 0
    """How many LLM requests the step made (each SDK retry is one more)."""
    deliveries: int = 0
    """How many times the step was handed to a worker (1 without a crash or redelivery)."""
    error: RunError | str | None = None


@dataclass(frozen=True)
class RunView:
    """A run as the system reports it. ``status`` is one of `STATUSES`."""

    id: str
    status: str
    result: str | None = None
    error: RunError | str | None = None
    """Why a failed run failed: a `RunError` (a plain string is read as kind ``unknown``)."""
    steps: tuple[StepView, ...] = ()
    llm_calls: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    cost_usd: float = 0.0
    finished_at: datetime | None = None
    """When the run ended, where the system's answer says so."""

    @property
    def finished(self) -> bool:
        return self.status in TERMINAL


COPY_FIELDS = ("status", "step_count", "result_digest", "result", "finished_at")
"""The fields of a `RunCopy`, in the order they are compared and shown."""


@dataclass(frozen=True)
class RunCopy:
    """One service's copy of a run: the source of truth (`stored_run`), a cache (`cached_run`) or the system's
    answer (`AgentSystemAdapter.run`). ``shows`` names the fields this copy carries; the others are not compared."""

    status: str | None = None
    step_count: int | None = None
    result_digest: str | None = None
    """The hex SHA-256 of the result text (UTF-8): `result_digest`."""
    result: str | None = None
    finished_at: datetime | None = None
    shows: tuple[str, ...] = COPY_FIELDS

    @classmethod
    def of(cls, view: RunView) -> RunCopy:
        """The copy a system's answer gives; its finish time only when the answer has one or the run is unfinished."""
        shown = COPY_FIELDS if view.finished_at is not None or not view.finished else COPY_FIELDS[:-1]
        digest = result_digest(view.result)
        return cls(view.status, len(view.steps), digest, view.result, view.finished_at, shown)


def result_digest(result: str | None) -> str | None:
    """The hex SHA-256 of a result's text (UTF-8); None without a result."""
    return None if result is None else hashlib.sha256(result.encode()).hexdigest()


def stop_processes(processes: list[subprocess.Popen], timeout_s: float = 15.0) -> None:
    """SIGTERM to each, then SIGKILL to what has not ended after ``timeout_s``; every one is reaped (for adapters)."""
    for process in processes:
        with contextlib.suppress(ProcessLookupError):
            process.terminate()
    for process in processes:
        try:
            process.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def wait_until_ready(
    ready_file: Path,
    process: subprocess.Popen,
    what: str,
    *,
    log_file: str | None,
    timeout_s: float,
    error: type[Exception] = RuntimeError,
) -> Any:
    """Waits until the process an adapter started has written ``ready_file`` (JSON) and returns what it wrote.

    Raises ``error`` naming ``what`` and the last line of ``log_file`` when the process ends first, and kills it
    when ``timeout_s`` passes first (for adapters).
    """

    def ready() -> tuple[Any] | None:
        if ready_file.exists():
            with contextlib.suppress(json.JSONDecodeError):  # still being written
                return (json.loads(ready_file.read_text()),)
        if process.poll() is not None:
            raise error(f"{what} ended at start (exit code {process.returncode}): {log_tail(log_file)}")
        return None

    try:
        return wait_until(ready, timeout_s, message=f"{what} did not start")[0]
    except WaitTimeout as timed_out:
        process.kill()
        process.wait()
        raise error(str(timed_out)) from None


def log_tail(log_file: str | None) -> str:
    """The last non-empty line of a system's log (400 characters at most), for start-up failures."""
    if not log_file or not Path(log_file).exists():
        return "(no log file: set log_file to keep its output)"
    lines = [line for line in Path(log_file).read_text(errors="replace").splitlines() if line.strip()]
    return lines[-1][:400] if lines else "(empty log)"


class NotSupported(Exception):
    """The adapter's system cannot do this; the message names the capability."""

    ROBOT_SUPPRESS_NAME = True


class AgentSystemAdapter(ABC):
    """One multi-agent system, started by the suite in its own namespace and stopped in its teardown."""

    name = "agent system"
    capabilities: frozenset[str] = frozenset()
    contract_version: int = 1
    """The contract the adapter was written to: set it to `CONTRACT_VERSION`. Version 1 adapters keep working
    for one release: ``kill_worker`` alone reads as ``kill_worker`` + ``resumes_after_crash`` (with a warning)."""
    expected_run_seconds: float = 1.0
    """How long one ordinary run takes this system at rest (the p95 of runs submitted one at a time): the kit
    multiplies its default waiting deadlines by it over the reference system's (``deadlines.py``)."""

    @abstractmethod
    def start(self, config: SystemConfig) -> None:
        """Starts the system (or connects to it) and returns once it accepts runs."""

    @abstractmethod
    def stop(self) -> None:
        """Stops everything `start` and `start_worker` started; safe to call twice."""

    @abstractmethod
    def submit(self, goal: str, *, provider: str, model: str, deadline_s: float | None = None) -> str:
        """Submits a run and returns its id. ``model`` is the model name the system must send to the provider."""

    @abstractmethod
    def run(self, run_id: str) -> RunView:
        """The run as the system's source of truth sees it."""

    def plan_answer(self, steps: list[tuple[str, str, str]]) -> str:
        """The LLM answer that makes the planner plan ``steps`` (description, tool, tool input)."""
        raise NotSupported(f"{self.name} takes no scripted plan (capability '{Capability.SCRIPTED_PLAN}')")

    def cancel(self, run_id: str) -> None:
        raise NotSupported(f"{self.name} cannot cancel runs (capability '{Capability.CANCEL}')")

    def drain(self, run_ids: list[str], timeout_s: float) -> list[str]:
        """Leaves the system idle for the next test: waits up to ``timeout_s`` for ``run_ids`` (the runs the test
        submitted) to end, then cancels those still going where the system can. Returns the ids left unfinished.

        The kit calls it between tests. Override it where the system has a cheaper way (e.g. purging its queue).
        """

        def unfinished() -> list[str]:
            return [run_id for run_id in run_ids if not self.run(run_id).finished]

        with contextlib.suppress(WaitTimeout):
            wait_until(lambda: not unfinished(), timeout_s, message="runs still going")
        left = unfinished()
        if left and Capability.CANCEL in self.capabilities:
            for run_id in left:
                self.cancel(run_id)
        return left

    def workers(self) -> list[dict[str, Any]]:
        """Live workers, each a dict with at least ``name`` (and ``pid`` where there is one)."""
        raise NotSupported(f"{self.name} has no workers to list (capability '{Capability.KILL_WORKER}')")

    def kill_worker(self, name: str | None = None) -> str:
        """SIGKILLs one worker (``name``, or any busy one, else any) and returns its name."""
        raise NotSupported(f"{self.name} has no worker processes to kill (capability '{Capability.KILL_WORKER}')")

    def work_of(self, worker: str) -> list[tuple[str, int]]:
        """The (run id, step number) pairs ``worker`` was working on: right after `kill_worker`, what it interrupted.

        Optional: the kill is logged without them when an adapter does not say.
        """
        raise NotSupported(f"{self.name} does not say what a worker was working on")

    def start_worker(self, **options: Any) -> str:
        raise NotSupported(f"{self.name} cannot start workers (capability '{Capability.KILL_WORKER}')")

    def health(self) -> dict[str, Any]:
        """At least ``{"status": "ok" | "degraded" | "down"}``."""
        raise NotSupported(f"{self.name} reports no health")

    def stored_statuses(self) -> dict[str, str]:
        """Every run's status in the source of truth, by run id."""
        raise NotSupported(f"{self.name} cannot list its runs (capability '{Capability.CACHED_STATE}')")

    def cached_status(self, run_id: str) -> str | None:
        raise NotSupported(f"{self.name} keeps no cached state (capability '{Capability.CACHED_STATE}')")

    def drop_cached_state(self) -> int:
        """Deletes the cached state (as a cache server that lost its data); returns how many keys went."""
        raise NotSupported(f"{self.name} cannot drop its cached state (capability '{Capability.CACHE_REPAIR}')")

    def dead_letters(self) -> list[dict[str, Any]]:
        raise NotSupported(f"{self.name} has no dead-letter queue (capability '{Capability.DEAD_LETTERS}')")

    def processes(self) -> list[SystemProcess]:
        """Every live OS process of the system under test: the one registry the kit samples (and stops) them by.

        List each process the system started (a process per run too) as soon as it exists: the kit records them on
        disk and stops what ``stop()`` left, also after ``robot`` is killed. Called from other threads as well (the
        kit's registry refresh, the load sampler); without it only ``stop()`` can stop the system.
        """
        raise NotSupported(f"{self.name} does not list its processes")

    def connection_scope(self) -> ConnectionScope:
        """How to count the system's own PostgreSQL connections, and the limit of its pools."""
        raise NotSupported(f"{self.name} does not say how to count its PostgreSQL connections")

    def stored_run(self, run_id: str) -> RunCopy | None:
        """The run as its source of truth holds it (read there, not through the system); None: no such run."""
        raise NotSupported(f"{self.name} cannot read its source of truth (capability '{Capability.CACHED_STATE}')")

    def cached_run(self, run_id: str) -> RunCopy | None:
        """The run as the cache holds it; None: the cache has no copy of it."""
        raise NotSupported(f"{self.name} keeps no cached copy of runs (capability '{Capability.CACHED_STATE}')")

    def corrupt_cached_run(self, run_id: str, **fields: Any) -> None:
        """Overwrites fields of the run's cached copy (``status``, ``result``, ...) behind the system's back."""
        raise NotSupported(f"{self.name} cannot corrupt its cache (capability '{Capability.CORRUPT_CACHE}')")

    def delete_cached_run(self, run_id: str) -> bool:
        """Deletes the run's cached copy behind the system's back; True when there was one."""
        raise NotSupported(f"{self.name} cannot corrupt its cache (capability '{Capability.CORRUPT_CACHE}')")

    def corrupt_stored_result(self, run_id: str, result: str) -> None:
        """Overwrites the run's result in the source of truth behind the system's back."""
        raise NotSupported(f"{self.name} cannot corrupt its store (capability '{Capability.CORRUPT_STORE}')")


def declared_capabilities(adapter: AgentSystemAdapter) -> tuple[frozenset[str], str | None]:
    """The capabilities an adapter has, read as its contract version means them, and a deprecation warning if any.

    A version 1 adapter that lists ``kill_worker`` meant "workers can be killed and the work resumes": it reads as
    ``kill_worker`` + ``resumes_after_crash`` for one more release.
    """
    declared = frozenset(adapter.capabilities)
    if adapter.contract_version >= CONTRACT_VERSION or Capability.KILL_WORKER not in declared:
        return declared, None
    warning = (
        f"{adapter.name}: the adapter is written to contract version {adapter.contract_version}, where "
        f"'{Capability.KILL_WORKER}' also meant '{Capability.RESUMES_AFTER_CRASH}'; it is read so for one more "
        f"release. List both if the system resumes killed work, set contract_version = {CONTRACT_VERSION}."
    )
    return declared | {Capability.RESUMES_AFTER_CRASH}, warning
