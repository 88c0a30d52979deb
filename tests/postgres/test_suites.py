"""The PostgreSQL suites as a QA engineer runs them: green, nothing left behind, no secret and no raw markup logged."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import psycopg
import pytest
from psycopg import sql
from robot.api import ExecutionResult, ResultVisitor

from libraries.services.runtime import Endpoints
from tests.services.helpers import run

from .conftest import sessions_named

REPOSITORY = Path(__file__).resolve().parents[2]
PASSWORD = "pw-" + secrets.token_hex(6)
SYSTEM_SCHEMAS = ("pg_catalog", "information_schema", "pg_toast")


@pytest.fixture
def target_url(services: Endpoints, admin: psycopg.Connection) -> Iterator[str]:
    """A database of our own on the embedded server (a fresh `*_test` database), or the configured one."""
    if "postgres" not in services.embedded:
        yield services.database_url
        return
    name = f"agents_{secrets.token_hex(4)}_test"
    admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    yield services.database_url.rsplit("/", 1)[0] + f"/{name}"
    admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def with_password(url: str) -> str:
    scheme, rest = url.split("://", 1)
    credentials, host = rest.split("@", 1)
    return url if ":" in credentials else f"{scheme}://{credentials}:{PASSWORD}@{host}"


def user_objects(url: str) -> dict[str, list[str]]:
    with psycopg.connect(url, connect_timeout=5) as connection:
        schemas = connection.execute(
            "SELECT nspname FROM pg_namespace WHERE nspname <> ALL(%s) AND nspname NOT LIKE 'pg_temp%%' "
            "AND nspname NOT LIKE 'pg_toast_temp%%' ORDER BY 1",
            (list(SYSTEM_SCHEMAS),),
        ).fetchall()
        tables = connection.execute(
            "SELECT table_schema || '.' || table_name FROM information_schema.tables "
            "WHERE table_schema <> ALL(%s) ORDER BY 1",
            (list(SYSTEM_SCHEMAS),),
        ).fetchall()
    return {"schemas": [row[0] for row in schemas], "tables": [row[0] for row in tables]}


class HtmlMessages(ResultVisitor):
    def __init__(self) -> None:
        self.html: list[str] = []
        self.text: list[str] = []

    def visit_message(self, message) -> None:
        (self.html if message.html else self.text).append(message.message)


def test_postgres_suites_pass_leave_nothing_and_log_no_secret_or_markup(
    tmp_path, services: Endpoints, target_url: str, admin: psycopg.Connection
):
    before = user_objects(target_url)
    url = with_password(target_url)
    password = urlsplit(url).password
    done = run(
        [str(REPOSITORY / ".venv/bin/robot"), "--include", "postgres", "--outputdir", str(tmp_path), "suites/"],
        env={"DATABASE_URL": url, "REDIS_URL": services.redis_url},
        timeout=600,
    )
    assert done.returncode == 0, done.stdout[-3000:]

    assert user_objects(target_url) == before
    assert sessions_named(admin, "^robot-") == 0

    for path in (path for path in tmp_path.rglob("*") if path.is_file()):
        content = path.read_text(encoding="utf-8", errors="replace")
        assert password not in content, path.name
        assert "<script>alert" not in content, path.name
    assert password not in done.stdout + done.stderr

    messages = HtmlMessages()
    ExecutionResult(str(tmp_path / "output.xml")).visit(messages)
    assert not [message for message in messages.html if "<script" in message]
    assert [message for message in messages.html if "&lt;script&gt;alert(1)&lt;/script&gt;" in message]
    assert [message for message in messages.text if "<script>alert(1)</script>" in message]
