"""Query results and SQL in the log as text: stored content never renders as HTML in log.html."""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from typing import Any

from robot.api import logger
from robot.api.deco import keyword

from .context import PostgresComponent

MAX_LOGGED_ROWS = 50
_SQL_OPEN = '<br><code style="font-weight: bold;">'
_PARAMETERS = '</code><br>Parameters: <code style="font-weight: bold;">'


class PlainTextDatabaseLog:
    """Listener: DatabaseLibrary writes SQL and parameters into HTML log messages without escaping them.

    Inside DatabaseLibrary keywords every HTML message is turned into a plain-text message (its known markup
    removed), so a ``<script>`` in a statement or parameter is shown as text, never executed.
    """

    ROBOT_LISTENER_API_VERSION = 3

    def __init__(self) -> None:
        self._depth = 0

    def start_library_keyword(self, data: Any, implementation: Any, result: Any) -> None:
        if _owner(implementation) == "DatabaseLibrary":
            self._depth += 1

    def end_library_keyword(self, data: Any, implementation: Any, result: Any) -> None:
        if _owner(implementation) == "DatabaseLibrary":
            self._depth = max(0, self._depth - 1)

    def log_message(self, message: Any) -> None:
        if self._depth and message.html:
            text = message.message.replace(_PARAMETERS, "\nParameters: ").replace(_SQL_OPEN, "\n")
            message.message = text.removesuffix("</code>")
            message.html = False


def _owner(implementation: Any) -> str | None:
    owner = getattr(implementation, "owner", None)
    return getattr(owner, "name", None)


class ResultLogKeywords(PostgresComponent):
    @keyword("Log Result Table")
    def log_result_table(self, rows: Sequence[Any], columns: Sequence[str] | None = None) -> None:
        """Logs query result rows as an HTML table whose every cell is escaped.

        ``rows`` is what DatabaseLibrary's `Query` returns: dictionaries (``return_dict=True``, the keys
        give the header) or tuples (give ``columns`` for a header). At most 50 rows are shown.

        Example:
        | ${rows} = | Query | SELECT run_id, content FROM agent_events | return_dict=True |
        | Log Result Table | ${rows} |
        | ${rows} = | Query | SELECT run_id, content FROM agent_events |
        | Log Result Table | ${rows} | columns=${{['run_id', 'content']}} |
        """
        rows = list(rows)
        if columns is None and rows and isinstance(rows[0], Mapping):
            columns = list(rows[0].keys())
        header = "".join(f"<th>{html.escape(str(name))}</th>" for name in columns or [])
        body = "".join(f"<tr>{_cells(row)}</tr>" for row in rows[:MAX_LOGGED_ROWS])
        more = f"<p>{len(rows) - MAX_LOGGED_ROWS} more rows not shown</p>" if len(rows) > MAX_LOGGED_ROWS else ""
        logger.info(
            f"<table border='1'><caption>{len(rows)} row(s)</caption><tr>{header}</tr>{body}</table>{more}", html=True
        )


def _cells(row: Any) -> str:
    values = row.values() if isinstance(row, Mapping) else row
    return "".join(f"<td>{html.escape(str(value))}</td>" for value in values)
