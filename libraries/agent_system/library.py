from __future__ import annotations

from datetime import timedelta
from typing import Any

from robot.api import logger
from robotlibcore import DynamicCore

from .capability_gate import CapabilityGate
from .contract import AgentSystemAdapter
from .drain import DrainBetweenTests, RunsOfTest
from .keywords.checks import CheckKeywords
from .keywords.conformance import ConformanceKeywords
from .keywords.copies import CopyKeywords
from .keywords.crashes import CrashKeywords
from .keywords.lifecycle import LifecycleKeywords
from .keywords.runs import RunKeywords
from .process_registry import SystemProcesses

__version__ = "1.0.0"


class AgentSystemLibrary(DynamicCore):
    """Keywords that prove a multi-agent system orchestrates correctly: runs finish, steps apply once, nothing is
    lost when workers die, and its stores agree.

    = Table of contents =

    %TOC%

    = The system under test =

    The keywords talk to an *adapter*, a small Python class that knows one system
    (``libraries/agent_system/contract.py``). ``AGENT_SYSTEM`` (Robot variable or environment) selects it:

    | *Value*                  | *System*                                                        |
    | ``reference`` (default)  | ``orchestrator/``: API + agent processes, Redis Streams, PostgreSQL |
    | ``langgraph``            | ``examples/langgraph``: a LangGraph supervisor with a PostgreSQL checkpointer |
    | ``package.module:Class`` | your own adapter                                                |

    `Start Agent System` starts it in the suite's namespace (schema and key prefix) on the run's servers, with
    its LLM calls going to the run's emulator (or the real provider when a key is set); `Stop Agent System`
    stops every process in the suite teardown. An adapter lists what it can do; a test tagged
    ``needs:<capability>`` (``needs:kill_worker``, ``needs:cached_state`` ...) that the system lacks is *skipped*
    before anything of it runs, with a reason naming the capability, and a keyword that needs a missing capability
    skips the test too. What each capability means and which tests it gates: ``docs/ADAPTERS.md``.

    = Stopping robot =

    The adapter registers its processes through ``processes()`` (role, name, pid). The kit keeps what it lists, with
    each process's start time, in a registry in the run directory: read after `Start Agent System`, after every
    keyword of this library (a system that starts a process per run has it listed once `Submit Agent Run` returns)
    and twice a second. `Stop Agent System` calls the adapter's ``stop()`` and then stops every registered process
    still alive (SIGTERM, 5 seconds, SIGKILL) with a warning naming it. So:

    - SIGTERM or SIGINT to ``robot`` (Ctrl-C) stops them: Robot Framework fails the running keyword and runs the
      teardowns; a suite without `Stop Agent System` in its teardown has its system stopped when the suite ends,
      and a second signal (which skips the teardowns) by the ``robot`` process's exit;
    - after SIGKILL of ``robot`` the run's service supervisor stops them, and if it was killed too, the next run's
      janitor does. A recycled pid is never signalled: the start time must match.

    Under pabot each process is a ``robot`` of its own, with the same guarantees.

    = Copies of a run =

    A system keeps a run in more than one place: its source of truth (PostgreSQL), a cache (Redis) and what its
    API answers. `Get Stored Agent Run`, `Get Cached Agent Run` and `Get Reported Agent Run` read each copy;
    `Agent Run Should Agree Across Services Now` compares them once and `Agent Run State Should Agree Across
    Services` until they agree, logging each disagreement it saw. The cache follows the source of truth: a wrong
    value there is copied, not caught; an answer kept earlier catches it.

    = Scripting the system's LLM =

    Against the emulator the system gets base URLs that put every LLM call it makes into a scope of its own
    (``<emulator>/scope/<scope>/v1``, ``<emulator>/scope/<scope>/anthropic``), whatever model it names, and each
    run's model carries the same scope for systems that send the model they are given. The LLM library's emulator
    keywords (`LLM Will Answer`, `LLM Will Fail`, `LLM Stream Will Break`, ...) script that scope while the system
    runs, so they reach its next call, streamed or not; what a test leaves unconsumed is dropped before the next
    test. The system's LLM calls are counted in the log and the run summary apart from the kit's own.

    = Assertions =

    Getters take AssertionEngine operators: ``Get Agent Run Status    ${run}    ==    succeeded``.
    ``retry_timeout`` makes a getter poll until the assertion holds (by default the library's ``retry_timeout``,
    given at import; ``0``: no polling); it then fails with the last mismatch and how long it waited.
    ``Wait Until …`` keywords take ``timeout``: how long they wait for the state they name.

    = Deadlines =

    A deadline given to a keyword (``timeout=30 s``) is kept as given. The defaults (`Wait Until Agent Run
    Finishes` 60 s, `Wait Until Agent Runs Finish` 2 minutes, `Wait Until An Agent Step Is Running` 30 s, an
    ``agent runs`` load operation 40 s, and ``${AGENT_RUN_TIMEOUT}`` / ``${MANY_RUNS_TIMEOUT}`` of
    ``keywords/agent_system.resource`` when not set) are those of the reference system. For a slower system they
    are multiplied by its adapter's ``expected_run_seconds`` over the reference's (0.3 s): the LangGraph example
    (0.6 s) waits twice as long. A faster system keeps the reference's.

    = Between tests =

    At the end of every test (after its teardown) the runs it submitted that are still going get a bound to end
    (3 s for the reference system, scaled as the deadlines), then the adapter cancels those left
    (``AgentSystemAdapter.drain``), so the next test starts on an idle system. The test's log says which runs
    were still going and whether they were cancelled. A passed test that left runs to be cancelled gets a
    warning (it should wait for what it submits, or cancel it), and so does any test whose runs could not be
    stopped (a system without ``cancel``), naming them. Draining never changes a test's status. Runs submitted
    in the suite setup are left to the suite.
    """

    ROBOT_LIBRARY_SCOPE = "SUITE"
    ROBOT_LIBRARY_VERSION = __version__

    def __init__(self, *, retry_timeout: timedelta = timedelta(0)) -> None:
        """``retry_timeout`` is how long getters with an assertion keep polling by default."""
        self.retry_timeout = retry_timeout.total_seconds()
        self.adapter: AgentSystemAdapter | None = None
        self.last_kill: float | None = None
        self.models: dict[str, tuple[str, str]] = {}
        self.secrets: list[str] = []
        """The real API keys the system was given: masked wherever a run's text is logged."""
        self.runs_of_test = RunsOfTest()
        self.between_tests = DrainBetweenTests(self)
        self.system_processes: SystemProcesses | None = None
        """The on-disk registry of the running system's processes (`processes()`), stopped with it."""
        components = [
            LifecycleKeywords(self),
            RunKeywords(self),
            CheckKeywords(self),
            CopyKeywords(self),
            CrashKeywords(self),
            ConformanceKeywords(self),
        ]
        DynamicCore.__init__(self, components)
        self.ROBOT_LIBRARY_LISTENER = [CapabilityGate(self), self.between_tests, _StopAtClose(self)]

    def run_keyword(self, name: str, args: tuple, kwargs: dict[str, Any] | None = None) -> Any:
        """Runs the keyword, then records any process the system started meanwhile (a run's own process)."""
        try:
            return super().run_keyword(name, args, kwargs)
        finally:
            if self.system_processes is not None:
                self.system_processes.refresh()


class _StopAtClose:
    """Library listener: a suite that ends with its system still running (no `Stop Agent System` in its teardown)
    stops it all the same."""

    ROBOT_LISTENER_API_VERSION = 3

    def __init__(self, library: AgentSystemLibrary) -> None:
        self.library = library

    def close(self) -> None:
        processes, self.library.system_processes = self.library.system_processes, None
        self.library.adapter = None
        if processes is not None:
            name = processes.adapter.name
            logger.warn(f"The suite ended with {name} running (no Stop Agent System in its teardown): stopped now.")
            processes.stop()
