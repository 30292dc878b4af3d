"""`python main.py …` as processes of their own, without paying for main.py's imports in each.

The suite runs `main.py worker` and `main.py run` in processes of their own (kill -9 mid fan-out;
a start-up failure is one line and exit 1), and each new interpreter spends about a second of CPU
importing the product before main.py does anything: nine of them were a sixth of the suite's
CPU. The launcher imports what main.py imports once, in a process with no threads and no event
loop, then forks a child per request. The child takes the test's arguments, environment, working
directory and stdin/stdout/stderr, runs main.py as `__main__`, and leaves through the
interpreter's own finalisation: its exit status, the signals it gets and what it prints on the
way out are a real process's. What it skips is the imports. `test_lifecycle` still starts one
`python main.py` from nothing, so a fresh interpreter's start-up stays covered.

Run as `python -m tests.launcher FD`: FD is this end of a SOCK_SEQPACKET socketpair. Requests
are JSON with three file descriptors attached; replies are JSON: {"ready"}, then {"pid"} per
request and {"exit", "code"} when that child ends (code as Popen's returncode: -9 for SIGKILL).
"""

from __future__ import annotations

import json
import os
import select
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Mapping, Sequence
from pathlib import Path
from types import TracebackType
from typing import IO, Any

ROOT = Path(__file__).resolve().parents[1]
# What main.py's commands import when they run (main.py imports the rest at its top).
PRELOAD = (
    "bot.app",
    "bot.runtime",
    "sqlalchemy.dialects.sqlite.aiosqlite",
    "sqlalchemy.dialects.postgresql.asyncpg",
    "sqlalchemy.exc",
    "telegram.error",
)
_MESSAGE = 1 << 16


def _send(sock: socket.socket, message: Mapping[str, object], fds: Sequence[int] = ()) -> None:
    socket.send_fds(sock, [json.dumps(message).encode()], fds)


class Launcher:
    """The test side: one launcher process per test worker, children started on request."""

    def __init__(self, process: subprocess.Popen[bytes], sock: socket.socket) -> None:
        self._process = process
        self._sock = sock
        self._lock = threading.Lock()
        self._exits: dict[int, int] = {}
        self._children: set[int] = set()

    @classmethod
    def start(cls, log: Path) -> Launcher:
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        with log.open("ab") as out:
            process = subprocess.Popen(
                [sys.executable, "-m", "tests.launcher", str(theirs.fileno())],
                cwd=ROOT,
                pass_fds=[theirs.fileno()],
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=out,
            )
        theirs.close()
        launcher = cls(process, ours)
        if "ready" not in launcher._receive(timeout=120):
            raise RuntimeError(f"the launcher did not start:\n{log.read_text()[-3000:]}")
        return launcher

    def spawn(
        self, argv: list[str], *, env: Mapping[str, str], stdout: IO[Any], stderr: IO[Any]
    ) -> Launched:
        """Start `python ARGV` (ARGV[0] is main.py) in ROOT with exactly ENV as its environment."""
        with open(os.devnull, "rb") as stdin, self._lock:
            request = {"argv": argv, "env": dict(env), "cwd": str(ROOT)}
            self._sock.settimeout(None)
            _send(self._sock, request, [stdin.fileno(), stdout.fileno(), stderr.fileno()])
            while True:
                reply = self._receive(timeout=60)
                if "pid" in reply:
                    self._children.add(reply["pid"])
                    return Launched(self, reply["pid"])
                self._exits[reply["exit"]] = reply["code"]

    def returncode(self, pid: int, timeout: float | None) -> int | None:
        """PID's exit status once it has ended; None if it is still running after TIMEOUT."""
        with self._lock:
            while pid not in self._exits:
                try:
                    reply = self._receive(timeout=timeout)
                except (TimeoutError, BlockingIOError):  # BlockingIOError: a timeout of 0
                    return None
                self._exits[reply["exit"]] = reply["code"]
            self._children.discard(pid)
            return self._exits[pid]

    def _receive(self, *, timeout: float | None) -> dict[str, Any]:
        self._sock.settimeout(timeout)
        message = self._sock.recv(_MESSAGE)
        if not message:
            raise RuntimeError("the launcher has gone")
        reply: dict[str, Any] = json.loads(message)
        return reply

    def close(self) -> None:
        for pid in list(self._children):
            if self.returncode(pid, timeout=0) is None:
                os.kill(pid, signal.SIGKILL)
        self._sock.close()  # the launcher reaps what is left and exits
        self._process.wait(timeout=30)

    def __enter__(self) -> Launcher:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


class Launched:
    """A child, with the part of subprocess.Popen's interface the tests use."""

    def __init__(self, launcher: Launcher, pid: int) -> None:
        self._launcher = launcher
        self.pid = pid
        self.returncode: int | None = None

    def poll(self) -> int | None:
        if self.returncode is None:
            self.returncode = self._launcher.returncode(self.pid, timeout=0)
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        if self.returncode is None:
            self.returncode = self._launcher.returncode(self.pid, timeout)
            if self.returncode is None:
                raise subprocess.TimeoutExpired(f"main.py (pid {self.pid})", timeout or 0)
        return self.returncode

    def send_signal(self, sig: int) -> None:
        # Once it has ended (and been reaped), the pid may be another process's.
        if self.poll() is None:
            os.kill(self.pid, sig)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)


# The launcher process.


def _serve(sock: socket.socket) -> None:
    """Fork a child per request and report each one's exit, until the test worker goes."""
    wake_r, wake_w = os.pipe()
    os.set_blocking(wake_w, False)
    signal.set_wakeup_fd(wake_w)
    signal.signal(signal.SIGCHLD, lambda *_: None)
    children: set[int] = set()
    _send(sock, {"ready": True})
    while True:
        readable, _, _ = select.select([sock.fileno(), wake_r], [], [])
        if wake_r in readable:
            os.read(wake_r, 4096)
            _reap(sock, children)
        if sock.fileno() not in readable:
            continue
        try:
            message, fds, _, _ = socket.recv_fds(sock, _MESSAGE, 3)
        except ConnectionError:
            message = b""
        if not message:
            break
        if threading.active_count() != 1:  # a fork copies one thread: there must be only one
            raise RuntimeError("the launcher has threads; it cannot fork safely")
        pid = os.fork()
        if pid == 0:
            _become(json.loads(message), fds, [sock.detach(), wake_r, wake_w])
            return  # main.py returned without sys.exit: the interpreter exits 0, as it would
        for fd in fds:
            os.close(fd)
        children.add(pid)
        _send(sock, {"pid": pid})
    for pid in children:
        os.kill(pid, signal.SIGKILL)
    for pid in children:
        os.waitpid(pid, 0)


def _reap(sock: socket.socket, children: set[int]) -> None:
    while children:
        pid, status = os.waitpid(-1, os.WNOHANG)
        if pid == 0:
            return
        children.discard(pid)
        _send(sock, {"exit": pid, "code": os.waitstatus_to_exitcode(status)})


def _become(request: dict[str, Any], fds: list[int], inherited: list[int]) -> None:
    """In the child: take the request's fds, directory, environment and argv; run main.py."""
    import runpy

    signal.set_wakeup_fd(-1)
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    for fd in inherited:
        os.close(fd)
    for target, fd in enumerate(fds):
        os.dup2(fd, target)
        os.close(fd)
    os.chdir(request["cwd"])
    os.environ.clear()
    os.environ.update(request["env"])
    sys.argv = list(request["argv"])
    # A SystemExit from main.py travels up and out of the launcher's frames, and the interpreter
    # exits with its code, as `python main.py` would.
    runpy.run_path(sys.argv[0], run_name="__main__")


def _preload() -> None:
    import importlib

    import main  # noqa: F401  main.py's own imports, in its order (PTB_TIMEDELTA first)

    for name in PRELOAD:
        importlib.import_module(name)


if __name__ == "__main__":
    _preload()
    _serve(socket.socket(fileno=int(sys.argv[1])))
