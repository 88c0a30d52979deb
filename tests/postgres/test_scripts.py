from __future__ import annotations

import psycopg
import pytest

from libraries.postgres_library import DatabaseSetupError
from tests.postgres.conftest import AGENT_STATE_SQL


def tables(database_library) -> list[str]:
    rows = database_library.query(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() ORDER BY 1"
    )
    return [row[0] for row in rows]


def test_a_repository_script_is_found_from_any_working_directory(postgres, database_library, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    postgres.connect_to_run_database()
    postgres.apply_sql_script(AGENT_STATE_SQL)
    assert tables(database_library) == ["agent_events", "agent_runs", "agent_tasks"]


def test_a_failing_script_leaves_nothing_behind(postgres, database_library, tmp_path):
    script = tmp_path / "broken.sql"
    script.write_text("CREATE TABLE half_done (id int);\nSELECT no_such_column FROM half_done;\n", encoding="utf-8")
    postgres.connect_to_run_database()
    with pytest.raises(psycopg.errors.UndefinedColumn):
        postgres.apply_sql_script(str(script))
    assert tables(database_library) == []


def test_a_missing_script_names_where_relative_paths_start(postgres):
    postgres.connect_to_run_database()
    with pytest.raises(DatabaseSetupError, match=r"'resources/sql/nope.sql' does not exist: .* relative to the repo"):
        postgres.apply_sql_script("resources/sql/nope.sql")
