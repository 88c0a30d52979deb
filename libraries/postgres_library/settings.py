"""Connection settings for the run's database: every session gets timeouts and the suite schema at start-up.

Settings travel in the libpq ``options`` start-up parameter (``-c search_path=... -c statement_timeout=...``)
instead of ``SET`` after connecting: they are in force from the first statement, they become the session
defaults (``RESET ALL`` and ``DISCARD ALL`` keep them) and a reconnect restores them without extra code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

from psycopg.conninfo import conninfo_to_dict, make_conninfo

from libraries.services import runtime

from .errors import DatabaseSetupError

_PLAIN_IDENTIFIER = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


@dataclass(frozen=True)
class SessionSettings:
    """How one session connects. ``conninfo`` may hold a password: log ``masked_url`` instead."""

    conninfo: str
    masked_url: str
    schema: str
    statement_timeout: timedelta
    connect_timeout: timedelta

    def describe(self) -> str:
        return (
            f"{self.masked_url} (search_path {self.schema}, statement_timeout {_ms(self.statement_timeout)} ms, "
            f"connect_timeout {_whole_seconds(self.connect_timeout)} s)"
        )

    def for_application(self, application_name: str) -> str:
        return make_conninfo(self.conninfo, application_name=application_name)


def suite_session(
    *,
    statement_timeout: timedelta,
    connect_timeout: timedelta,
    url: str | None = None,
    schema: str | None = None,
) -> SessionSettings:
    """Settings for a session in the current suite's schema on the run's database (or the given ones)."""
    url = url or runtime.database_url()
    schema = schema or runtime.schema()
    if not schema:
        raise DatabaseSetupError(
            "No suite namespace is open: call 'Open Suite Namespace' in Suite Setup before connecting, "
            "so that every session works in the suite's own schema."
        )
    if not _PLAIN_IDENTIFIER.match(schema):
        raise DatabaseSetupError(
            f"Schema name '{schema}' is not a plain lower-case identifier: use letters, digits and '_' only."
        )
    if statement_timeout <= timedelta(0) or connect_timeout <= timedelta(0):
        raise DatabaseSetupError(
            "statement_timeout and connect_timeout must be positive: a session without them can hang forever."
        )
    try:
        existing_options = conninfo_to_dict(url).get("options") or ""
    except Exception as error:
        raise DatabaseSetupError(
            f"DATABASE_URL {runtime.mask_url(url)} is not a valid PostgreSQL URL ({type(error).__name__}): "
            "use postgresql://user:password@host:port/dbname."
        ) from None
    options = f"{existing_options} -c search_path={schema} -c statement_timeout={_ms(statement_timeout)}".strip()
    conninfo = make_conninfo(url, options=options, connect_timeout=_whole_seconds(connect_timeout))
    return SessionSettings(conninfo, runtime.mask_url(url), schema, statement_timeout, connect_timeout)


def _ms(value: timedelta) -> int:
    return max(1, round(value.total_seconds() * 1000))


def _whole_seconds(value: timedelta) -> int:
    # libpq takes whole seconds and treats values below 2 as 2.
    return max(2, round(value.total_seconds()))
