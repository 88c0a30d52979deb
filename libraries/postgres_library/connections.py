"""Connecting DatabaseLibrary aliases to the run's database, and surviving a connection the server dropped."""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

import psycopg
from assertionengine import AssertionOperator, int_str_verify_assertion
from psycopg.pq import TransactionStatus
from robot.api import logger
from robot.api.deco import keyword

from libraries.common import duration, poll, renamed_argument

from .context import PostgresComponent
from .errors import ConnectionLostError, DatabaseSetupError
from .settings import SessionSettings, suite_session
from .waiting import backoff_delays, wait_by


def open_session(settings: SessionSettings, application_name: str, *, autocommit: bool = False) -> psycopg.Connection:
    """A new psycopg connection with the session settings; errors never carry the conninfo."""
    try:
        return psycopg.connect(settings.for_application(application_name), autocommit=autocommit)
    except psycopg.OperationalError as error:
        reason = " ".join(line.strip() for line in str(error).splitlines() if line.strip()) or type(error).__name__
        raise DatabaseSetupError(
            f"Cannot connect to {settings.masked_url}: {reason.rstrip('.?')}. Check DATABASE_URL and that the server "
            "is up."
        ) from None


def is_alive(client: Any) -> bool:
    """Pre-ping an idle connection (like SQLAlchemy's pool_pre_ping); a connection inside a transaction is trusted."""
    if client.closed:
        return False
    status = client.info.transaction_status
    if status == TransactionStatus.UNKNOWN:
        return False
    if status != TransactionStatus.IDLE:
        return True
    try:
        client.execute("SELECT 1")
        client.rollback()
    except psycopg.OperationalError:
        return False
    return True


class ConnectionKeywords(PostgresComponent):
    @keyword("Connect To Run Database")
    def connect_to_run_database(
        self,
        *,
        statement_timeout: timedelta = timedelta(seconds=30),
        connect_timeout: timedelta = timedelta(seconds=5),
        alias: str | None = None,
    ) -> None:
        """Connects a DatabaseLibrary ``alias`` to the run's database, working in the current suite's schema.

        The URL comes from the run's services (``DATABASE_URL`` or the embedded server) and is never passed
        through Robot Framework arguments, so a password in it cannot reach the log; the log shows it masked.
        Every session starts with ``search_path`` set to the suite schema and with ``statement_timeout``;
        ``connect_timeout`` bounds the connection attempt (libpq counts whole seconds, at least 2).

        After connecting, use DatabaseLibrary keywords (`Execute Sql String`, `Query`, `Check Query Result` ...)
        with the same ``alias``. Requires an open suite namespace (`Open Suite Namespace`).

        Example:
        | Connect To Run Database
        | Connect To Run Database    alias=reader
        | Connect To Run Database    statement_timeout=500 ms    alias=impatient
        | Check Query Result    SELECT current_schema()    ==    ${schema}    alias=reader
        """
        name = self.ctx.alias_name(alias)
        settings = suite_session(statement_timeout=statement_timeout, connect_timeout=connect_timeout)
        self.ctx.register(name, open_session(settings, f"robot-{name}"), settings)
        self.ctx.reconnects[name] = 0
        logger.info(f"Connected alias '{name}' to {settings.describe()}")

    @keyword("Ensure Database Connection")
    def ensure_database_connection(
        self,
        *,
        timeout: timedelta = timedelta(seconds=10),
        retry_timeout: timedelta | None = None,
        alias: str | None = None,
    ) -> None:
        """Checks that the connection of ``alias`` still works and re-establishes it when the server dropped it.

        An idle connection is pinged with ``SELECT 1``; a connection inside a transaction is left alone.
        A lost connection is replaced by a new one with the same settings, retried with bounded exponential
        backoff; then the keyword fails naming the alias and the last error. Committed work is on the server,
        so nothing committed is lost; an open transaction is.

        ``timeout`` bounds one operation: after that time the keyword stops waiting for it. Here the operation
        is re-establishing the connection. ``retry_timeout`` is the deprecated name of ``timeout``, kept so that
        existing suites keep working.

        Example:
        | Ensure Database Connection |
        | Ensure Database Connection | timeout=3 s | alias=reader |
        """
        timeout = renamed_argument("Ensure Database Connection", "retry_timeout", retry_timeout, "timeout", timeout)
        name = self.ctx.alias_name(alias)
        settings = self.ctx.settings(name)
        if is_alive(self.ctx.client(name)):
            logger.info(f"Connection '{name}' is alive")
            return
        attempts = 0

        def reconnect() -> psycopg.Connection:
            nonlocal attempts
            attempts += 1
            return open_session(settings, f"robot-{name}")

        try:
            client = poll(reconnect, timeout, pause=backoff_delays(first=0.1, cap=2.0), retry_on=DatabaseSetupError)
        except DatabaseSetupError as error:
            raise ConnectionLostError(
                f"Connection '{name}' was lost and could not be re-established within "
                f"{duration(timeout, compact=False)} ({attempts} attempt(s)): {error}"
            ) from None
        self.ctx.register(name, client, settings)
        self.ctx.reconnects[name] = self.ctx.reconnects.get(name, 0) + 1
        logger.info(f"Connection '{name}' was lost; re-established after {attempts} attempt(s)")

    @keyword("Terminate Database Session")
    def terminate_database_session(self, *, timeout: timedelta = timedelta(seconds=10), alias: str | None = None):
        """Kills the server process behind ``alias`` with ``pg_terminate_backend``, as an administrator would.

        Runs from a separate session and waits, polling ``pg_stat_activity``, until the server process is gone.
        ``timeout`` bounds one operation: after that time the keyword stops waiting for it. The DatabaseLibrary
        connection is not told: its next use fails until `Ensure Database Connection` re-establishes it.

        Example:
        | Terminate Database Session |
        | Ensure Database Connection |
        """
        name = self.ctx.alias_name(alias)
        settings = self.ctx.settings(name)
        pid = self.ctx.client(name).info.backend_pid
        deadline = time.monotonic() + timeout.total_seconds()
        with open_session(settings, "robot-admin", autocommit=True) as admin:
            terminated = admin.execute("SELECT pg_terminate_backend(%s)", (pid,)).fetchone()[0]
            if not terminated:
                raise DatabaseSetupError(f"The server refused to terminate session {pid} of alias '{name}'.")
            wait_by(
                deadline,
                lambda: admin.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s", (pid,)).fetchone() is None,
                lambda: f"Session {pid} of alias '{name}' still ran after {duration(timeout, compact=False)}",
                ConnectionLostError,
            )
        logger.info(f"Terminated server session {pid} of alias '{name}'")

    @keyword("Get Reconnect Count")
    def get_reconnect_count(
        self,
        assertion_operator: AssertionOperator | None = None,
        assertion_expected: Any = None,
        message: str | None = None,
        *,
        alias: str | None = None,
    ) -> int:
        """Returns how often `Ensure Database Connection` re-established ``alias`` since it was connected.

        With an assertion operator, checks the count instead (see the AssertionEngine operators).

        Example:
        | ${count} =    Get Reconnect Count
        | Get Reconnect Count    ==    1    alias=reader
        """
        name = self.ctx.alias_name(alias)
        count = self.ctx.reconnects.get(name, 0)
        logger.info(f"Connection '{name}' was re-established {count} time(s)")
        return int_str_verify_assertion(
            count, assertion_operator, assertion_expected, f"Reconnect count of '{name}'", message
        )
