"""The one polling helper of libraries/common: poll, wait_until and the getter decorator."""

from __future__ import annotations

import subprocess
import sys
from datetime import timedelta
from typing import Any

import pytest
from assertionengine import AssertionOperator, verify_assertion
from robot.api.deco import keyword
from robotlibcore import DynamicCore

from libraries.common import LibraryComponent, WaitTimeout, poll, wait_until, with_assertion_polling

WAITED = r" \(waited [0-9a-z ]+\)$"


class Expectation(AssertionError):
    ROBOT_SUPPRESS_NAME = True


class Countdown:
    """Fails ``failures`` times with a numbered message, then returns ``value``."""

    def __init__(self, failures: int, value: Any = "done", error: type[Exception] = Expectation) -> None:
        self.failures, self.value, self.error, self.tries = failures, value, error, 0

    def __call__(self) -> Any:
        self.tries += 1
        if self.tries <= self.failures:
            raise self.error(f"not yet ({self.tries})")
        return self.value


def test_poll_returns_what_the_attempt_returns_once_it_stops_failing():
    attempt = Countdown(3)

    assert poll(attempt, "10 s", pause=0) == "done"
    assert attempt.tries == 4


def test_when_the_time_is_up_the_last_failure_is_raised_with_how_long_it_waited():
    attempt = Countdown(failures=10**9)

    with pytest.raises(Expectation, match=r"^not yet \(\d+\)" + WAITED) as raised:
        poll(attempt, timedelta(milliseconds=100), pause=0.01)

    assert raised.value.args == (str(raised.value),)
    assert f"not yet ({attempt.tries})" in str(raised.value)


def test_without_time_to_wait_the_only_failure_is_raised_as_it_is():
    with pytest.raises(Expectation, match=r"^not yet \(1\)$"):
        poll(Countdown(1), 0)


def test_other_errors_end_the_polling_at_once():
    attempt = Countdown(5, error=ValueError)

    with pytest.raises(ValueError, match=r"^not yet \(1\)$"):
        poll(attempt, "10 s", pause=0)
    assert attempt.tries == 1


def test_attempts_bound_the_tries_and_a_backoff_that_ends_ends_the_polling():
    attempt = Countdown(10)
    with pytest.raises(Expectation, match=r"^not yet \(3\)" + WAITED):
        poll(attempt, None, pause=0, attempts=3)
    assert attempt.tries == 3

    attempt = Countdown(10)
    with pytest.raises(Expectation, match=r"^not yet \(3\)" + WAITED):
        poll(attempt, None, pause=[0.0, 0.0])
    assert attempt.tries == 3


def test_wait_until_returns_the_first_true_value():
    values = iter([None, 0, [], ["job-1"]])

    assert wait_until(lambda: next(values), "5 s", pause=0) == ["job-1"]


def test_wait_until_fails_with_its_message_the_last_value_and_the_time_it_waited():
    asked = []

    def message() -> str:
        asked.append(1)
        return "The queue stayed empty"

    with pytest.raises(WaitTimeout, match=r"^The queue stayed empty; last seen: \[\]" + WAITED):
        wait_until(lambda: [], "100 ms", pause=0.01, message=message)
    assert asked == [1]
    with pytest.raises(WaitTimeout, match=r"^The condition did not come true" + WAITED):
        wait_until(lambda: False, "10 ms", pause=0.01)


class Settings:
    def __init__(self, retry_timeout: float) -> None:
        self.retry_timeout = retry_timeout


class Getters(LibraryComponent[Settings]):
    retry_pause = 0.001

    def __init__(self, library: Settings, values: list[Any]) -> None:
        super().__init__(library)
        self.values, self.reads = values, 0

    @keyword
    @with_assertion_polling
    def get_value(
        self,
        assertion_operator: AssertionOperator | None = None,
        assertion_expected: Any = None,
        message: str | None = None,
        *,
        retry_timeout: timedelta | None = None,
    ) -> Any:
        """Returns the next value, optionally asserting it."""
        value = self.values[min(self.reads, len(self.values) - 1)]
        self.reads += 1
        return verify_assertion(value, assertion_operator, assertion_expected, "Value", message)


def test_a_getter_retries_its_assertion_for_the_retry_timeout_it_is_given():
    getters = Getters(Settings(retry_timeout=0), ["queued", "running", "done"])

    assert getters.get_value(AssertionOperator["=="], "done", retry_timeout=timedelta(seconds=10)) == "done"
    assert getters.reads == 3


def test_a_getter_without_retry_timeout_uses_the_library_setting():
    assert Getters(Settings(retry_timeout=10), ["queued", "done"]).get_value(AssertionOperator["=="], "done") == "done"

    getters = Getters(Settings(retry_timeout=0), ["queued", "done"])
    with pytest.raises(AssertionError, match=r"^Value 'queued' \(str\) should be 'done' \(str\)$"):
        getters.get_value(AssertionOperator["=="], "done")
    assert getters.reads == 1


def test_a_getter_that_never_matches_fails_with_its_last_value_and_the_time_it_waited():
    getters = Getters(Settings(retry_timeout=0), ["queued", "running"])

    with pytest.raises(AssertionError, match=r"^Value 'running' \(str\) should be 'done' \(str\)" + WAITED):
        getters.get_value(AssertionOperator["=="], "done", retry_timeout=timedelta(milliseconds=50))


def test_a_polling_getter_keeps_its_keyword_signature():
    class Library(DynamicCore):
        retry_timeout = 0

        def __init__(self) -> None:
            DynamicCore.__init__(self, [Getters(self, ["x"])])

    library = Library()

    assert library.get_keyword_arguments("get_value") == [
        ("assertion_operator", None),
        ("assertion_expected", None),
        ("message", None),
        "*",
        ("retry_timeout", None),
    ]
    assert library.get_keyword_types("get_value")["retry_timeout"] == timedelta | None
    assert library.run_keyword("get_value", [AssertionOperator["=="], "x"], {}) == "x"


def test_a_getter_that_polls_must_take_retry_timeout():
    with pytest.raises(TypeError, match="must take a 'retry_timeout' argument"):

        @with_assertion_polling
        def get_value(self, assertion_operator=None, assertion_expected=None, message=None):
            return None

    with pytest.raises(TypeError, match="asserts, so it must take assertion_operator, assertion_expected, message"):

        @with_assertion_polling
        def get_other(self, assertion_operator=None, *, retry_timeout=None):
            return None


def test_the_service_supervisor_waits_without_loading_robot_framework():
    loaded = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, libraries.services.supervisor, libraries.common;"
            "print(sorted({m.split('.')[0] for m in sys.modules} & {'robot', 'assertionengine', 'robotlibcore'}))",
        ],
        capture_output=True,
        text=True,
        check=True,
    )

    assert loaded.stdout.strip() == "[]"
