"""The PostgreSQL keyword library: what DatabaseLibrary cannot do for the agent-state suites."""

from __future__ import annotations

from typing import Any

from robotlibcore import DynamicCore

from .concurrency import ConcurrencyKeywords
from .connections import ConnectionKeywords
from .context import LibraryContext
from .logs import PlainTextDatabaseLog, ResultLogKeywords
from .pools import PoolKeywords
from .scripts import ScriptKeywords
from .transactions import TransactionKeywords


class PostgresLibrary(DynamicCore):
    """PostgresLibrary complements [https://github.com/MarketSquare/Robotframework-Database-Library|DatabaseLibrary]
    for tests of the agents' PostgreSQL state. SQL checks stay in DatabaseLibrary keywords; this library adds only
    what they cannot do.

    %TOC%

    = Connecting =

    `Connect To Run Database` connects a DatabaseLibrary alias to the run's database (``DATABASE_URL`` or the
    embedded server) from Python, so the URL and its password never pass through keyword arguments, and the log
    shows it masked. Every session is started with the libpq ``options`` parameter
    ``-c search_path=<suite schema> -c statement_timeout=<ms>`` and with ``connect_timeout``: the settings hold
    from the first statement and survive ``RESET ALL``. (A pooler such as PgBouncer in transaction mode must pass
    start-up options through.) The suite schema comes from `Open Suite Namespace`. `Apply SQL Script` then
    creates the tables from a SQL file of the repository, whatever the working directory.

    Import DatabaseLibrary with ``log_query_results=False`` next to this library; the library refuses to work
    otherwise, because DatabaseLibrary writes result cells into the log as raw HTML.

    = Safe logging =

    Agent output can contain markup. `Log Result Table` logs rows with every cell escaped. The library also
    registers a listener that turns DatabaseLibrary's HTML log messages (the executed SQL and its parameters)
    into plain text, so a stored ``<script>`` is shown, never run.

    = Concurrency =

    `Run Concurrent Increments`, `Claim Rows Concurrently` and `Run Crossing Transactions` run several sessions
    in threads. They do not depend on timing luck: workers meet at the worst moment (all have read, or the others
    are seen blocked in ``pg_stat_activity``), so the effect under test shows on every run.

    = Resilience =

    `Terminate Database Session` kills a session from the server side; `Ensure Database Connection` notices and
    re-establishes it with bounded backoff. `Open Connection Pool` gives a bounded pool whose exhaustion fails
    within its ``timeout``.

    = Example =

    | *** Settings ***
    | Library    DatabaseLibrary    log_query_results=False
    | Library    libraries.postgres_library.PostgresLibrary
    |
    | *** Test Cases ***
    | Stored Content Is Logged Escaped
    |     Connect To Run Database
    |     Apply SQL Script    resources/sql/agent_state.sql
    |     ${rows} =    Query    SELECT content FROM agent_events    return_dict=True
    |     Log Result Table    ${rows}
    """

    ROBOT_LIBRARY_SCOPE = "GLOBAL"
    ROBOT_LIBRARY_DOC_FORMAT = "ROBOT"

    def __init__(self) -> None:
        self.context = LibraryContext()
        self.ROBOT_LIBRARY_LISTENER = PlainTextDatabaseLog()
        components: list[Any] = [
            ConnectionKeywords(self),
            ConcurrencyKeywords(self),
            PoolKeywords(self),
            ResultLogKeywords(self),
            ScriptKeywords(self),
            TransactionKeywords(self),
        ]
        super().__init__(components)
