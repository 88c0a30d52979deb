"""Renamed keywords and arguments keep working for one release, and Robot Framework warns each time they are used."""

from __future__ import annotations

from pathlib import Path

from robot.api import ExecutionResult
from robot.libdoc import LibraryDocumentation

from .helpers import robot_command, run

LIBRARY = '''
from datetime import timedelta

from robot.api.deco import keyword
from robotlibcore import DynamicCore

from libraries.common import LibraryComponent, renamed_argument, renamed_keyword


class CounterKeywords(LibraryComponent[object]):
    @keyword
    def wait_until_counter_reaches(
        self, value: int, timeout: timedelta = timedelta(seconds=1), *, retry_timeout: timedelta | None = None
    ) -> str:
        """Says how long it would wait for ``value``."""
        timeout = renamed_argument("Wait Until Counter Reaches", "retry_timeout", retry_timeout, "timeout", timeout)
        return f"{value} within {timeout.total_seconds():g} s"

    wait_until_counter_is = renamed_keyword(
        "Wait Until Counter Is", "Wait Until Counter Reaches", wait_until_counter_reaches
    )


class Renames(DynamicCore):
    def __init__(self) -> None:
        DynamicCore.__init__(self, [CounterKeywords(self)])
'''

SUITE = """*** Settings ***
Library    Renames.py
Library    libraries.llm_library.LLMLibrary

*** Test Cases ***
Old Keyword Name Still Works
    ${said} =    Wait Until Counter Is    3    timeout=2 s
    Should Be Equal    ${said}    3 within 2 s

Old Argument Name Still Works
    ${said} =    Wait Until Counter Reaches    4    retry_timeout=3 s
    Should Be Equal    ${said}    4 within 3 s

New Names Do Not Warn
    ${said} =    Wait Until Counter Reaches    5    timeout=4 s
    Should Be Equal    ${said}    5 within 4 s

A Deprecated Keyword Of A Library Still Works
    LLM Answer Should Contain    The capital is Paris.    Paris
"""


def test_old_names_still_work_and_each_use_warns(tmp_path: Path):
    (tmp_path / "Renames.py").write_text(LIBRARY)
    suite = tmp_path / "renames.robot"
    suite.write_text(SUITE)

    finished = run(robot_command("robot", tmp_path / "out", suite, "--pythonpath", str(tmp_path)))

    result = ExecutionResult(str(tmp_path / "out" / "output.xml"))
    assert finished.returncode == 0, finished.stdout
    assert result.suite.statistics.passed == 4
    warnings = [message.message for message in result.errors.messages if message.level == "WARN"]
    assert warnings == [
        "Keyword 'Renames.Wait Until Counter Is' is deprecated. Use `Wait Until Counter Reaches` instead: this name "
        "is removed in the next release.",
        "Wait Until Counter Reaches: the argument 'retry_timeout' is deprecated, use 'timeout' instead.",
        "Keyword 'libraries.llm_library.LLMLibrary.LLM Answer Should Contain' is deprecated. Use `Get Last LLM Answer` "
        "with ``contains``: ``Get Last LLM Answer    contains    Paris``.",
    ]


def test_libdoc_marks_an_old_keyword_name_deprecated_with_the_arguments_of_the_new_one(tmp_path: Path):
    (tmp_path / "Renames.py").write_text(LIBRARY)

    keywords = {kw.name: kw for kw in LibraryDocumentation(str(tmp_path / "Renames.py")).keywords}

    old, new = keywords["Wait Until Counter Is"], keywords["Wait Until Counter Reaches"]
    assert old.deprecated and not new.deprecated
    assert old.doc.startswith("*DEPRECATED* Use `Wait Until Counter Reaches` instead")
    assert [str(argument) for argument in old.args] == [str(argument) for argument in new.args]
