"""State shared by the keyword components: DatabaseLibrary's connection store and our per-alias settings."""

from __future__ import annotations

from typing import Any, Protocol

from robot.libraries.BuiltIn import BuiltIn, RobotNotRunningError

from libraries.common import LibraryComponent

from .errors import DatabaseSetupError
from .settings import SessionSettings

DRIVER = "psycopg"


class LibraryContext:
    def __init__(self) -> None:
        self._database_library: Any = None
        self.sessions: dict[str, SessionSettings] = {}
        self.reconnects: dict[str, int] = {}

    @property
    def database_library(self) -> Any:
        if self._database_library is None:
            try:
                self._database_library = BuiltIn().get_library_instance("DatabaseLibrary")
            except (RobotNotRunningError, RuntimeError):
                raise DatabaseSetupError(
                    "DatabaseLibrary is not imported: add 'Library    DatabaseLibrary    log_query_results=False' "
                    "next to PostgresLibrary."
                ) from None
        if getattr(self._database_library, "LOG_QUERY_RESULTS", False):
            raise DatabaseSetupError(
                "DatabaseLibrary logs result rows as raw HTML: import it with 'log_query_results=False' and log "
                "rows with 'Log Result Table'."
            )
        return self._database_library

    def alias_name(self, alias: str | None) -> str:
        return alias or self.database_library.connection_store.default_alias

    def client(self, alias: str | None) -> Any:
        """The psycopg connection DatabaseLibrary holds under ``alias``."""
        return self.database_library.connection_store.get_connection(alias).client

    def register(self, alias: str, client: Any, settings: SessionSettings) -> None:
        store = self.database_library.connection_store
        previous = store.pop_connection(alias)
        if previous is not None:
            previous.client.close()
        store.register_connection(client, DRIVER, alias)
        self.sessions[alias] = settings

    def settings(self, alias: str | None) -> SessionSettings:
        name = self.alias_name(alias)
        if name not in self.sessions:
            raise DatabaseSetupError(f"Alias '{name}' was not opened with 'Connect To Run Database': connect it first.")
        return self.sessions[name]


class PostgresLibraryState(Protocol):
    """What the components use of `PostgresLibrary`: the context they share."""

    context: LibraryContext


class PostgresComponent(LibraryComponent[PostgresLibraryState]):
    @property
    def ctx(self) -> LibraryContext:
        return self.library.context
