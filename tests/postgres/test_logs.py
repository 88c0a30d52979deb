from __future__ import annotations

from types import SimpleNamespace

from robot.result import Message

from libraries.postgres_library import logs
from libraries.postgres_library.logs import PlainTextDatabaseLog

DATABASE_LIBRARY_SQL = (
    'Executing sql:<br><code style="font-weight: bold;">INSERT INTO t VALUES (%s)</code><br>'
    "Parameters: <code style=\"font-weight: bold;\">('<script>alert(1)</script>',)</code>"
)


def keyword_of(library: str) -> SimpleNamespace:
    return SimpleNamespace(owner=SimpleNamespace(name=library))


def test_result_table_escapes_every_cell_and_header(postgres, monkeypatch):
    logged = []
    monkeypatch.setattr(logs.logger, "info", lambda message, html=False: logged.append((message, html)))
    postgres.log_result_table([{"<b>col</b>": "<script>alert(1)</script>", "n": 1}])
    message, html = logged[0]
    assert html is True
    assert "<script>" not in message and "<b>col</b>" not in message
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in message and "&lt;b&gt;col&lt;/b&gt;" in message


def test_result_table_of_tuples_uses_given_columns_and_truncates(postgres, monkeypatch):
    logged = []
    monkeypatch.setattr(logs.logger, "info", lambda message, html=False: logged.append(message))
    postgres.log_result_table([(n, "x") for n in range(60)], columns=["n", "v"])
    assert "<th>n</th><th>v</th>" in logged[0]
    assert logged[0].count("<tr>") == 51
    assert "10 more rows not shown" in logged[0]


def test_database_library_sql_messages_become_plain_text():
    listener = PlainTextDatabaseLog()
    message = Message(DATABASE_LIBRARY_SQL, html=True)
    listener.start_library_keyword(None, keyword_of("DatabaseLibrary"), None)
    listener.log_message(message)
    listener.end_library_keyword(None, keyword_of("DatabaseLibrary"), None)
    assert message.html is False
    assert message.message == ("Executing sql:\nINSERT INTO t VALUES (%s)\nParameters: ('<script>alert(1)</script>',)")


def test_html_messages_of_other_libraries_are_left_alone():
    listener = PlainTextDatabaseLog()
    message = Message("<b>ours</b>", html=True)
    listener.start_library_keyword(None, keyword_of("PostgresLibrary"), None)
    listener.log_message(message)
    assert message.html is True and message.message == "<b>ours</b>"
    listener.end_library_keyword(None, keyword_of("PostgresLibrary"), None)
    after = Message(DATABASE_LIBRARY_SQL, html=True)
    listener.log_message(after)
    assert after.html is True
