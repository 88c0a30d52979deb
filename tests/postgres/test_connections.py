from __future__ import annotations

import socket
import time
from dataclasses import replace
from datetime import timedelta
from urllib.parse import urlsplit

import psycopg
import pytest
from assertionengine import AssertionOperator

from libraries.postgres_library import ConnectionLostError, DatabaseSetupError, connections
from libraries.services import runtime


def test_connected_alias_works_in_the_suite_schema_with_timeouts(postgres, database_library, namespace):
    postgres.connect_to_run_database(statement_timeout=timedelta(milliseconds=1500), alias="reader")
    rows = database_library.query(
        "SELECT current_schema(), current_setting('statement_timeout'), current_setting('application_name')",
        alias="reader",
    )
    assert rows == [(namespace.schema, "1500ms", "robot-reader")]


def test_settings_survive_reset_all(postgres, database_library, namespace):
    postgres.connect_to_run_database()
    database_library.execute_sql_string("RESET ALL")
    assert database_library.query("SELECT current_schema(), current_setting('statement_timeout')") == [
        (namespace.schema, "30s")
    ]


def test_the_log_shows_the_url_masked(postgres, services, monkeypatch):
    logged: list[str] = []
    monkeypatch.setattr(connections.logger, "info", lambda message, *args, **kwargs: logged.append(message))
    url = services.database_url
    if not urlsplit(url).password:
        url = _with_password(url, "pw-never-logged")
        monkeypatch.setattr(runtime, "endpoints", lambda: replace(services, database_url=url))
    postgres.connect_to_run_database()
    postgres.terminate_database_session()
    postgres.ensure_database_connection()
    assert not [line for line in logged if urlsplit(url).password in line]
    assert f"{urlsplit(url).username}:***@{urlsplit(url).hostname}" in logged[0]


def test_database_library_without_log_query_results_false_is_refused(postgres, database_library):
    database_library.LOG_QUERY_RESULTS = True
    with pytest.raises(DatabaseSetupError, match="import it with 'log_query_results=False'"):
        postgres.connect_to_run_database()


def test_unreachable_server_fails_fast_naming_the_url_masked(postgres, services, monkeypatch):
    closed = _with_password(_closed_port_url(services.database_url), "pw-never-shown")
    monkeypatch.setattr(runtime, "endpoints", lambda: replace(services, database_url=closed))
    with pytest.raises(
        DatabaseSetupError, match=r"Cannot connect to postgresql://postgres:\*\*\*@127\.0\.0\.1"
    ) as error:
        postgres.connect_to_run_database(connect_timeout=timedelta(seconds=2))
    assert "pw-never-shown" not in str(error.value)


def test_terminated_session_is_re_established_and_committed_rows_survive(postgres, database_library):
    postgres.connect_to_run_database()
    database_library.execute_sql_string("CREATE TABLE notes (body text)")
    database_library.execute_sql_string("INSERT INTO notes VALUES ('committed')")
    old_pid = database_library.query("SELECT pg_backend_pid()")[0][0]
    postgres.terminate_database_session()
    with pytest.raises(psycopg.OperationalError):
        database_library.query("SELECT 1")
    postgres.ensure_database_connection()
    assert database_library.query("SELECT body FROM notes") == [("committed",)]
    assert database_library.query("SELECT pg_backend_pid()")[0][0] != old_pid
    assert postgres.get_reconnect_count(AssertionOperator["=="], "1") == 1


def test_live_connection_is_not_replaced(postgres, database_library):
    postgres.connect_to_run_database()
    pid = database_library.query("SELECT pg_backend_pid()")[0][0]
    postgres.ensure_database_connection()
    assert database_library.query("SELECT pg_backend_pid()")[0][0] == pid
    assert postgres.get_reconnect_count() == 0


def test_reconnect_gives_up_within_its_timeout(postgres, database_library, services):
    postgres.connect_to_run_database()
    postgres.terminate_database_session()
    context = postgres.library.context
    context.sessions["default"] = replace(
        context.sessions["default"],
        conninfo=_closed_port_url(services.database_url) + "?connect_timeout=2",
    )
    started = time.monotonic()
    with pytest.raises(ConnectionLostError, match=r"Connection 'default' was lost .* within 1 second \(\d+ attempt"):
        postgres.ensure_database_connection(timeout=timedelta(seconds=1))
    assert time.monotonic() - started < 10


def test_the_old_name_of_the_reconnect_timeout_still_works_and_warns(postgres, robot_warnings):
    postgres.connect_to_run_database()
    postgres.terminate_database_session()

    postgres.ensure_database_connection(retry_timeout=timedelta(seconds=5))

    postgres.get_reconnect_count(AssertionOperator["=="], 1)
    assert robot_warnings == [
        "Ensure Database Connection: the argument 'retry_timeout' is deprecated, use 'timeout' instead."
    ]


def test_reconnect_count_assertion_failure_says_what_was_expected(postgres):
    postgres.connect_to_run_database(alias="reader")
    with pytest.raises(AssertionError, match=r"Reconnect count of 'reader' '0' \(int\) should be '2'"):
        postgres.get_reconnect_count(AssertionOperator["=="], "2", alias="reader")


def test_unknown_alias_is_named(postgres, database_library):
    postgres.connect_to_run_database()
    with pytest.raises(DatabaseSetupError, match="Alias 'ghost' was not opened with 'Connect To Run Database'"):
        postgres.ensure_database_connection(alias="ghost")


def _closed_port_url(url: str) -> str:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"postgresql://postgres@127.0.0.1:{port}/{url.rsplit('/', 1)[-1].split('?')[0]}"


def _with_password(url: str, password: str) -> str:
    scheme, rest = url.split("://", 1)
    credentials, host = rest.split("@", 1)
    return f"{scheme}://{credentials.split(':')[0]}:{password}@{host}"
