"""Ending a transaction that the ``… In Transaction`` keywords of a DatabaseLibrary alias kept open."""

from __future__ import annotations

from psycopg.pq import TransactionStatus
from robot.api import logger
from robot.api.deco import keyword

from .context import PostgresComponent
from .errors import PostgresLibraryError


class TransactionAborted(PostgresLibraryError):
    """COMMIT of a transaction that an earlier error aborted: PostgreSQL rolled it back instead."""


class TransactionKeywords(PostgresComponent):
    @keyword("Commit Transaction")
    def commit_transaction(self, *, alias: str | None = None) -> None:
        """Commits the open transaction of the DatabaseLibrary session ``alias``.

        Fails when PostgreSQL does not commit: after a statement of the transaction failed, PostgreSQL answers
        ``COMMIT`` with ``ROLLBACK`` and keeps none of the transaction's changes. A plain ``Execute Sql String
        COMMIT`` passes silently there; this keyword names what happened instead.

        Example:
        | `Begin Transaction` | alias=agent_a |
        | `Start Agent Run In Transaction` | run-1 | planner | alias=agent_a |
        | `Commit Transaction` | alias=agent_a |
        """
        client = self.ctx.client(alias)
        aborted = client.info.transaction_status == TransactionStatus.INERROR
        cursor = client.execute("COMMIT")
        answer = cursor.statusmessage
        name = self.ctx.alias_name(alias)
        if aborted or answer != "COMMIT":
            raise TransactionAborted(
                f"The transaction of '{name}' was not committed: PostgreSQL answered COMMIT with {answer}, because an "
                "earlier statement of the transaction failed (current transaction is aborted). None of its changes "
                "were kept."
            )
        logger.info(f"Committed the transaction of '{name}'.")
