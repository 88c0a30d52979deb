"""`pip install -r requirements.txt` without `-e .`: plain `robot suites/` and `pabot suites/` still work."""

from __future__ import annotations

import site
import subprocess
import sys
from pathlib import Path

import pytest

from libraries.services.lifecycle import REPOSITORY_ROOT

from .helpers import run_ids

SCRIPTS = {
    "robot": "from robot import run_cli\nsys.exit(run_cli())",
    "pabot": "from pabot.pabot import main\nsys.exit(main())",
}


@pytest.fixture(scope="module")
def plain_venv(tmp_path_factory) -> Path:
    """A virtualenv whose packages are this one's, minus the editable install of the repository.

    A path line in a .pth file adds a directory without reading the .pth files inside it, so the editable
    install's own .pth (which puts the repository on the path) stays unread.
    """
    venv = tmp_path_factory.mktemp("plain") / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=60)
    packages = next(Path(venv / "lib").glob("python3*/site-packages"))
    (packages / "requirements.pth").write_text("\n".join(site.getsitepackages()) + "\n")
    for name, body in SCRIPTS.items():
        script = venv / "bin" / name
        script.write_text(f"#!{venv / 'bin' / 'python'}\nimport sys\n{body}\n")
        script.chmod(0o755)
    return venv


@pytest.mark.parametrize("runner", ["robot", "pabot"])
def test_suites_run_without_the_editable_install(plain_venv, tmp_path, runner):
    bin_dir = plain_venv / "bin"
    probe = subprocess.run([bin_dir / "python", "-c", "import libraries"], capture_output=True, cwd="/", timeout=30)
    assert probe.returncode != 0, "the plain virtualenv should not see the repository"
    port = ["--pabotlibport", "0"] if runner == "pabot" else []
    command = [str(bin_dir / runner), *port, "--outputdir", str(tmp_path / "out"), "--include", "smoke", "suites/"]
    env = {"PATH": f"{bin_dir}:/usr/bin:/bin", "HOME": str(tmp_path)}
    done = subprocess.run(command, capture_output=True, text=True, cwd=REPOSITORY_ROOT, env=env, timeout=300)

    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert "does not exist" not in done.stdout
    assert len(run_ids(tmp_path / "out")) == 1
