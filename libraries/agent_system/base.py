"""What every keyword component shares: the adapter and the library's defaults (seen through a protocol), and
capability checks."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any, Protocol, TypeVar

from robot.api.exceptions import SkipExecution

from libraries.common import LibraryComponent, PollingLibrary
from libraries.llm_library.settings import without_keys

from .contract import AgentSystemAdapter, NotSupported, RunView, declared_capabilities
from .errors import AgentSystemNotStarted

T = TypeVar("T")
POLL_PAUSE_S = 0.1


class AgentSystemState(PollingLibrary, Protocol):
    """What the components use of `AgentSystemLibrary`: the running adapter and what it was started with."""

    adapter: AgentSystemAdapter | None
    models: dict[str, tuple[str, str]]
    secrets: list[str]
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
        """The run as the adapter reports it, with anything key-shaped in its result and error masked."""
        view = self.adapter.run(run_id)
        return replace(view, result=self.scrub(view.result), error=self.scrub(view.error))

    def scrub(self, text: Any) -> Any:
        return without_keys(text, self.library.secrets) if isinstance(text, str) else text

    def require(self, capability: str, what: str) -> AgentSystemAdapter:
        """The adapter, or a skip naming the missing capability: a test never passes without what it needs."""
        adapter = self.adapter
        if capability not in declared_capabilities(adapter)[0]:
            raise SkipExecution(f"{adapter.name} cannot {what}: the adapter lacks capability '{capability}'.")
        return adapter


def skip_unsupported(call: Callable[[], T]) -> T:
    """Turns an adapter's `NotSupported` into a skip with its reason."""
    try:
        return call()
    except NotSupported as missing:
        raise SkipExecution(str(missing)) from None
