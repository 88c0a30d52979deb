"""``--include orchestration`` selects exactly the suites of ``suites/orchestration/`` (docs/AUTHORING.md, Tags), and
the load suites carry ``load`` as their only area tag."""

from __future__ import annotations

from pathlib import Path

from robot import api as robot_api

from libraries.summary.collect import AREA_TAGS

SUITES = Path(__file__).resolve().parents[2] / "suites"


def suite_tests() -> list[tuple[str, Path, set[str]]]:
    found = []

    def walk(suite) -> None:
        found.extend((test.longname, Path(suite.source), {str(tag) for tag in test.tags}) for test in suite.tests)
        for child in suite.suites:
            walk(child)

    walk(robot_api.TestSuiteBuilder().build(str(SUITES)))
    return found


def test_orchestration_selects_exactly_the_orchestration_suites() -> None:
    tests = suite_tests()
    tagged = {name for name, _, tags in tests if "orchestration" in tags}
    inside = {name for name, source, _ in tests if source.parent == SUITES / "orchestration"}

    assert inside and tagged == inside


def test_load_tests_carry_the_load_area_only() -> None:
    areas = {
        name: sorted(tags & set(AREA_TAGS) - {"faults"})  # a load test under a fault also says so
        for name, source, tags in suite_tests()
        if source.parent == SUITES / "load"
    }

    assert areas and all(found == ["load"] for found in areas.values()), areas
