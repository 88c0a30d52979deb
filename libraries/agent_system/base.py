"""What every keyword component shares: the adapter, the library's defaults, polling and capability checks."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta
from typing import TYPE_CHECKING, Any, TypeVar

from robot.api.exceptions import SkipExecution

from libraries.llm_library.settings import without_keys

from .contract import AgentSystemAdapter, NotSupported, RunView
from .errors import AgentSystemNotStarted

if TYPE_CHECKING:
    from .library import AgentSystemLibrary

T = TypeVar("T")
POLL_PAUSE_S = 0.1


class LibraryComponent:
    def __init__(self, library: AgentSystemLibrary) -> None:
        self.library = library

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
        if capability not in adapter.capabilities:
            raise SkipExecution(f"{adapter.name} cannot {what}: the adapter lacks capability '{capability}'.")
        return adapter

    def poll(self, attempt: Callable[[], T], retry_timeout: timedelta | None) -> T:
        """Runs ``attempt`` until it stops failing an assertion or ``retry_timeout`` has passed."""
        limit = self.library.retry_timeout if retry_timeout is None else retry_timeout.total_seconds()
        deadline = time.monotonic() + limit
        while True:
            try:
                return attempt()
            except AssertionError:
                if time.monotonic() >= deadline:
                    raise
            time.sleep(min(POLL_PAUSE_S, max(deadline - time.monotonic(), 0)))


def skip_unsupported(call: Callable[[], T]) -> T:
    """Turns an adapter's `NotSupported` into a skip with its reason."""
    try:
        return call()
    except NotSupported as missing:
        raise SkipExecution(str(missing)) from None
