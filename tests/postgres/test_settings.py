from __future__ import annotations

from datetime import timedelta

import pytest
from psycopg.conninfo import conninfo_to_dict

from libraries.postgres_library.errors import DatabaseSetupError
from libraries.postgres_library.settings import suite_session

URL = "postgresql://qa:s3cret-pass@db.example:5433/agents_test?options=-c%20work_mem%3D4MB"


def session(**overrides):
    options = {
        "statement_timeout": timedelta(seconds=30),
        "connect_timeout": timedelta(seconds=5),
        "url": URL,
        "schema": "rfq_run_suite",
    }
    return suite_session(**{**options, **overrides})


def test_every_session_starts_in_the_suite_schema_with_timeouts():
    params = conninfo_to_dict(session().conninfo)
    assert params["options"] == "-c work_mem=4MB -c search_path=rfq_run_suite -c statement_timeout=30000"
    assert params["connect_timeout"] == "5"
    assert (params["host"], params["port"], params["dbname"]) == ("db.example", "5433", "agents_test")


def test_sub_second_timeouts_are_kept_in_milliseconds_and_connect_timeout_is_at_least_two_seconds():
    params = conninfo_to_dict(
        session(statement_timeout=timedelta(milliseconds=250), connect_timeout=timedelta(seconds=1)).conninfo
    )
    assert params["options"].endswith("-c statement_timeout=250")
    assert params["connect_timeout"] == "2"


def test_description_masks_the_password():
    described = session().describe()
    assert "s3cret-pass" not in described
    assert "qa:***@db.example:5433/agents_test" in described
    assert "search_path rfq_run_suite" in described


def test_no_open_namespace_names_the_keyword_to_call():
    with pytest.raises(DatabaseSetupError, match="call 'Open Suite Namespace' in Suite Setup"):
        suite_session(statement_timeout=timedelta(seconds=1), connect_timeout=timedelta(seconds=2), url=URL)


@pytest.mark.parametrize("schema", ["Mixed_Case", "has space", "semi;colon", "x" * 64])
def test_schema_names_that_need_quoting_are_refused(schema):
    with pytest.raises(DatabaseSetupError, match="plain lower-case identifier"):
        session(schema=schema)


def test_zero_timeouts_are_refused():
    with pytest.raises(DatabaseSetupError, match="must be positive"):
        session(statement_timeout=timedelta(0))


def test_an_invalid_url_is_named_masked():
    with pytest.raises(
        DatabaseSetupError, match=r"DATABASE_URL postgresql://qa:\*\*\*@h/x\?bad is not a valid"
    ) as error:
        session(url="postgresql://qa:s3cret-pass@h/x?bad")
    assert "s3cret-pass" not in str(error.value)
