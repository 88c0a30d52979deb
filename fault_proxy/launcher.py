"""Start the fault proxy server as a child process on a free loopback port, and stop it (for tests and scripts)."""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPOSITORY_ROOT = Path(__file__).resolve().parents[1]
STARTUP_TIMEOUT = 15.0
STOP_TIMEOUT = 5.0


class LaunchError(RuntimeError):
    """The server did not start; the message says why (its exit code and last lines, or the time waited)."""


class FaultProxyServer:
    """``python -m fault_proxy`` as our child; it dies with us even if we are killed.

    ``url`` is its API (``http://127.0.0.1:PORT``), the value for ``TOXIPROXY_URL``.
    """

    def __init__(self, host: str = "127.0.0.1", config: Path | None = None) -> None:
        self.host = host
        self.directory = Path(tempfile.mkdtemp(prefix="fault-proxy-"))
        port_file = self.directory / "port"
        self.log_path = self.directory / "server.log"
        self._final_log = ""
        command = [sys.executable, "-m", "fault_proxy", "--host", host, "--port", "0"]
        command += ["--config", str(config)] if config else []
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(
                [*command, "--port-file", str(port_file), "--die-with-parent"],
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                cwd=REPOSITORY_ROOT,
            )
        try:
            self.port = self._wait_for_port(port_file)
        except BaseException:
            self.stop()
            raise
        self.url = f"http://{host}:{self.port}"

    def _wait_for_port(self, port_file: Path) -> int:
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while time.monotonic() < deadline:
            if port_file.exists():
                return int(port_file.read_text())
            if self.process.poll() is not None:
                tail = " | ".join(self.log_path.read_text(errors="replace").strip().splitlines()[-3:])
                raise LaunchError(f"The fault proxy exited at start (code {self.process.returncode}): {tail}")
            time.sleep(0.01)
        raise LaunchError(f"The fault proxy did not listen within {STARTUP_TIMEOUT:.0f} s.")

    def log_text(self) -> str:
        """What the server wrote to stdout and stderr so far."""
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else self._final_log

    def stop(self) -> int | None:
        """SIGTERM, then SIGKILL after a grace period; returns the exit code."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._final_log = self.log_text()
        shutil.rmtree(self.directory, ignore_errors=True)
        return self.process.returncode

    def __enter__(self) -> FaultProxyServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
