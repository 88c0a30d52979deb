"""SQL files of the repository (such as the agent-state schema), applied wherever Robot Framework was started."""

from __future__ import annotations

from pathlib import Path

from robot.api import logger
from robot.api.deco import keyword

from .context import PostgresComponent
from .errors import DatabaseSetupError

REPOSITORY_ROOT = Path(__file__).resolve().parents[2]


def repository_file(path: str | Path) -> Path:
    """``path`` as given when absolute, else relative to the repository root; it must exist."""
    resolved = REPOSITORY_ROOT / path
    if not resolved.is_file():
        raise DatabaseSetupError(
            f"SQL script '{path}' does not exist: give an absolute path or one relative to the repository root "
            f"({REPOSITORY_ROOT})."
        )
    return resolved


class ScriptKeywords(PostgresComponent):
    @keyword("Apply SQL Script")
    def apply_sql_script(self, path: str, *, alias: str | None = None) -> None:
        """Runs every statement of the SQL file ``path`` on ``alias`` as one transaction.

        A relative ``path`` starts at the repository root, so suites find the file from any working directory.
        The script runs in the suite's schema (the session's ``search_path``), is committed when every statement
        succeeds and rolled back as a whole otherwise.

        Example:
        | Connect To Run Database |
        | Apply SQL Script | resources/sql/agent_state.sql |
        """
        script = repository_file(path)
        name = self.ctx.alias_name(alias)
        client = self.ctx.client(name)
        try:
            client.execute(script.read_text(encoding="utf-8"))
        except Exception:
            client.rollback()
            raise
        client.commit()
        logger.info(f"Applied SQL script {path} on alias '{name}'")
