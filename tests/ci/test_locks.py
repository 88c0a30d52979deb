"""The locks are locks: every line pinned with hashes, the direct pins of each requirements file in its lock, and a
re-lock after adding one dependency moves no other pin."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from .locks import ROOT, lock_of, normalized, parse, requirement_files

HASH = re.compile(r"sha256:[0-9a-f]{64}")


@pytest.mark.parametrize("requirements_file", requirement_files(), ids=lambda path: str(path.relative_to(ROOT)))
def test_every_line_of_the_lock_is_pinned_with_hashes(requirements_file):
    lock = lock_of(requirements_file)
    loose = [
        entry.line
        for entry in parse(lock)
        if not entry.pinned_version or not entry.hashes or not all(HASH.fullmatch(h) for h in entry.hashes)
    ]
    assert not loose, f"{lock.name} has lines without an == pin and sha256 hashes: {loose}"


@pytest.mark.parametrize("requirements_file", requirement_files(), ids=lambda path: str(path.relative_to(ROOT)))
def test_direct_pins_are_the_versions_in_the_lock(requirements_file):
    locked: dict[str, set[str]] = {}
    for entry in parse(lock_of(requirements_file)):
        locked.setdefault(entry.name, set()).add(entry.pinned_version)
    direct = parse(requirements_file, options=True)
    unpinned = [entry.line for entry in direct if not entry.pinned_version]
    assert not unpinned, f"{requirements_file.name} has requirements without an == pin: {unpinned}"
    differ = [
        f"{entry.name}: {entry.pinned_version} in {requirements_file.name}, {sorted(locked.get(entry.name, ['none']))} "
        "in the lock"
        for entry in direct
        if locked.get(entry.name) != {entry.pinned_version}
    ]
    assert not differ, "requirements and lock disagree (run 'bash .ci/lock'): " + "; ".join(differ)


def test_the_lock_check_finds_a_loose_line(tmp_path):
    requirements = tmp_path / "requirements.txt"
    requirements.write_text("redis==8.1.0\n")
    lock = lock_of(requirements)
    lock.write_text(f"redis>=8.1.0 \\\n    --hash=sha256:{'0' * 64}\nrobotframework==7.5\n")
    entries = {entry.name: entry for entry in parse(lock)}
    assert entries["redis"].pinned_version is None
    assert entries["robotframework"].hashes == []


def test_relocking_after_adding_a_dependency_keeps_every_other_pin(tmp_path):
    requirements = tmp_path / "requirements.txt"
    shutil.copy(ROOT / "requirements.txt", requirements)
    shutil.copy(ROOT / "requirements.lock", lock_of(requirements))
    before = {(entry.name, entry.marker): entry.pinned_version for entry in parse(lock_of(requirements))}
    with requirements.open("a") as text:
        text.write("wcwidth==0.2.13\n")
    relock = subprocess.run(
        ["bash", ".ci/lock", str(requirements)], cwd=ROOT, capture_output=True, text=True, timeout=300, check=False
    )
    assert relock.returncode == 0, relock.stderr
    after = {(entry.name, entry.marker): entry.pinned_version for entry in parse(lock_of(requirements))}
    moved = {key: (version, after.get(key)) for key, version in before.items() if after.get(key) != version}
    assert not moved, f"re-locking moved pins it had no reason to move: {moved}"
    assert after[(normalized("wcwidth"), "")] == "0.2.13"
