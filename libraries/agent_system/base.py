"""What every keyword component shares: the adapter and the library's defaults (seen through a protocol), and
capability checks."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any, Protocol, TypeVar

from robot.api.exceptions import SkipExecution
from robot.libraries.BuiltIn import BuiltIn

from libraries.common import LibraryComponent, PollingLibrary
from libraries.llm_library.settings import without_keys
from libraries.llm_library.state import LLMState

from .contract import AgentSystemAdapter, NotSupported, RunError, RunView, declared_capabilities
from .drain import RunsOfTest
from .errors import AgentSystemNotStarted

T = TypeVar("T")
LLM_LIBRARY = "libraries.llm_library.LLMLibrary"
POLL_PAUSE_S = 0.1


class AgentSystemState(PollingLibrary, Protocol):
    """What the components use of `AgentSystemLibrary`: the running adapter and what it was started with."""

    adapter: AgentSystemAdapter | None
    last_kill: float | None
    """When `Kill Agent Worker` last killed a process (``time.monotonic()``)."""
    models: dict[str, tuple[str, str]]
    secrets: list[str]
    runs_of_test: RunsOfTest
    system_processes: Any


class AgentSystemComponent(LibraryComponent[AgentSystemState]):
    retry_pause = POLL_PAUSE_S

    @property
    def adapter(self) -> AgentSystemAdapter:
        if self.library.adapter is None:
            raise AgentSystemNotStarted(
                "No agent system is running in this suite: call Start Agent System (or Open Agent System Suite "
                "from keywords/agent_system.resource) in the suite setup."
            )
        return self.library.adapter

    def run_view(self, run_id: str) -> RunView:
        """The run as the adapter reports it, its errors as `RunError`, anything key-shaped in its texts masked."""
        view = self.adapter.run(run_id)
        steps = tuple(replace(step, error=self.scrub_error(step.error)) for step in view.steps)
        return replace(view, result=self.scrub(view.result), error=self.scrub_error(view.error), steps=steps)

    def scrub_error(self, error: RunError | str | None) -> RunError | None:
        error = RunError.of(error)
        return None if error is None else replace(error, message=self.scrub(error.message))

    def scrub(self, text: Any) -> Any:
        return without_keys(text, self.library.secrets) if isinstance(text, str) else text

    def capabilities(self) -> frozenset[str]:
        """What the running adapter can do, read as its contract version means it."""
        return declared_capabilities(self.adapter)[0]

    def require(self, capability: str, what: str) -> AgentSystemAdapter:
        """The adapter, or a skip naming the missing capability: a test never passes without what it needs."""
        adapter = self.adapter
        if capability not in declared_capabilities(adapter)[0]:
            raise SkipExecution(f"{adapter.name} cannot {what}: the adapter lacks capability '{capability}'.")
        return adapter


def llm_state() -> LLMState:
    """The LLM library's state in this suite: it scripts the system's LLM calls and counts them."""
    try:
        return BuiltIn().get_library_instance(LLM_LIBRARY).state
    except RuntimeError:
        raise RuntimeError(
            "The agent system's LLM calls are scripted through the LLM library: import "
            "keywords/agent_system.resource (or keywords/llm.resource) in this suite."
        ) from None


def skip_unsupported(call: Callable[[], T]) -> T:
    """Turns an adapter's `NotSupported` into a skip with its reason."""
    try:
        return call()
    except NotSupported as missing:
        raise SkipExecution(str(missing)) from None
