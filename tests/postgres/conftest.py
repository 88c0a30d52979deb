"""PostgresLibrary wired to a DatabaseLibrary instance, inside a fresh suite namespace on the real server."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import psycopg
import pytest
from DatabaseLibrary import DatabaseLibrary

from libraries.common import WaitTimeout, wait_until
from libraries.postgres_library import PostgresLibrary
from libraries.services.runtime import Endpoints, Namespace

AGENT_STATE_SQL = "resources/sql/agent_state.sql"


class Keywords:
    """Calls PostgresLibrary keywords by name, the way Robot Framework does."""

    def __init__(self, library: PostgresLibrary) -> None:
        self.library = library

    def __getattr__(self, name: str) -> Any:
        keyword = next((known for known in self.library.keywords if known.lower().replace(" ", "_") == name), name)

        def call(*args: Any, **kwargs: Any) -> Any:
            return self.library.run_keyword(keyword, list(args), kwargs)

        return call


@pytest.fixture
def database_library() -> Iterator[DatabaseLibrary]:
    library = DatabaseLibrary(log_query_results=False)
    yield library
    library.disconnect_from_all_databases()


@pytest.fixture
def postgres(namespace: Namespace, database_library: DatabaseLibrary) -> Iterator[Keywords]:
    library = PostgresLibrary()
    library.context._database_library = database_library
    keywords = Keywords(library)
    yield keywords
    keywords.close_all_connection_pools()


@pytest.fixture
def admin(services: Endpoints) -> Iterator[psycopg.Connection]:
    with psycopg.connect(services.database_url, autocommit=True, connect_timeout=5) as connection:
        yield connection


@pytest.fixture
def agent_state(postgres: Keywords) -> Keywords:
    """The agent-state schema applied in the test's namespace, with the default alias connected."""
    postgres.connect_to_run_database()
    postgres.apply_sql_script(AGENT_STATE_SQL)
    return postgres


def sessions_named(admin: psycopg.Connection, pattern: str, timeout: float = 5.0) -> int:
    """Sessions whose application_name matches ``pattern`` once they are gone, or the count left at ``timeout``."""

    def count() -> int:
        return admin.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE application_name ~ %s", (pattern,)
        ).fetchone()[0]

    try:
        wait_until(lambda: count() == 0, timeout, pause=0.02)
    except WaitTimeout:
        return count()
    return 0
