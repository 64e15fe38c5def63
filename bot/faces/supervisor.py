"""The parent of ``quntag serve --workers N``: migrates the database once, then keeps N web processes
(sharing the listening port through SO_REUSEPORT) and ``server.processors`` processors running.

A child that ends without being asked to (a crash, an OOM kill, a SIGKILL) is started again, logged and
counted in ``quntag_process_restarts_total``. SIGTERM or SIGINT stops the web processes first (no new
deliveries), then the processor, each with SIGTERM; one that has not ended after ``STOP_GRACE_S`` is
killed. Nothing acknowledged is lost either way: acknowledged events are rows in the inbox, and whichever
processor runs next processes them exactly once (see ``bot.core.inbox``).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import select
import shutil
import signal
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from prometheus_client import Counter

from bot.core.config import Config
from bot.core.metrics import forget_process, restart_counter, share_between_processes
from bot.faces.listener import reserve_port

log = logging.getLogger("quntag.serve")
ChildRole = Literal["web", "processor"]
STOP_GRACE_S = 40.0  # a web process may take 10 s for open requests, a processor 10 s per worker task
START_TIMEOUT_S = 60.0
QUICK_EXIT_S = 5.0  # a child that ends sooner after its start is restarted only after a pause


@dataclass(slots=True)
class Child:
    role: ChildRole
    index: int
    pid: int = 0
    started: float = 0.0
    ready_fd: int = -1

    count: int = 1  # processors of this server (a processor's share is index of count)

    @property
    def name(self) -> str:
        if self.role == "processor":
            return "processor" if self.count == 1 else f"processor {self.index + 1}"
        return f"web process {self.index}"


def _how(status: int) -> str:
    if os.WIFSIGNALED(status):
        sig = os.WTERMSIG(status)
        return f"was killed by signal {sig} ({signal.Signals(sig).name})"
    return f"exited with code {os.waitstatus_to_exitcode(status)}"


class Supervisor:
    def __init__(self, cfg: Config, host: str, port: int, workers: int, lock_fd: int | None = None,
                 processors: int = 1) -> None:
        """``lock_fd``: the database's serve lock, held by this process only (children close their copy, so a
        new server can start as soon as this parent is gone, even while its children still stop)."""
        self.cfg, self.host, self.port, self.workers = cfg, host, port, workers
        self.processors = processors
        self.lock_fd = lock_fd
        self.children: dict[int, Child] = {}
        self.stopping = False
        self.parent = os.getpid()

    def run(self, on_ready: Callable[[int], None]) -> int:
        """Start everything, call ``on_ready(port)`` once every child is up (then print what the children
        said at their start), supervise until SIGTERM/SIGINT."""
        folder = tempfile.mkdtemp(prefix="quntag-metrics-")
        share_between_processes(folder)
        restarts = restart_counter()
        for role in ("web", "processor"):
            restarts.labels(role)
        reserved = reserve_port(self.host, self.port)
        self.port = int(reserved.getsockname()[1])
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, self._stop)
        try:
            first = [Child("processor", i, count=self.processors) for i in range(self.processors)]
            first += [Child("web", i) for i in range(1, self.workers + 1)]
            for child in first:
                self._spawn(child)
            said = self._wait_ready(first)
            if said is None:
                self.stopping = True
                return 1
            on_ready(self.port)
            for text in said:
                print(text, end="", flush=True)
            log.info("processes: %s", ", ".join(f"{c.name} pid {c.pid}" for c in self.children.values()))
            while not self.stopping:
                self._reap(restarts)
                time.sleep(0.1)
            print("quntag: stopping (finishing in-flight work)", flush=True)
            return self._stop_all()
        finally:
            reserved.close()
            shutil.rmtree(folder, ignore_errors=True)

    def _stop(self, _sig: int, _frame: object) -> None:
        self.stopping = True

    def _spawn(self, child: Child) -> None:
        read_fd, write_fd = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: never returns into the parent's code
            os.close(read_fd)
            if self.lock_fd is not None:
                os.close(self.lock_fd)
            code = 1
            try:
                code = self._child_main(child, write_fd)
            except BaseException:
                log.exception("%s failed", child.name)
            finally:
                logging.shutdown()
                os._exit(code)
        os.close(write_fd)
        child.pid, child.started, child.ready_fd = pid, time.monotonic(), read_fd
        self.children[pid] = child

    def _child_main(self, child: Child, ready_fd: int) -> int:
        from bot.faces.serve_roles import follow_parent, run_processor, run_web

        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, signal.SIG_DFL)
        follow_parent()
        if os.getppid() != self.parent:
            return 0

        def ready(says: str = "") -> None:
            with contextlib.suppress(OSError):  # a restarted child: nobody waits for it
                os.write(ready_fd, b"ok\n" + says.encode())
            os.close(ready_fd)

        if child.role == "web":
            return asyncio.run(run_web(self.cfg, self.host, self.port, self.parent, ready))
        return asyncio.run(run_processor(self.cfg, self.parent, ready, (child.index, child.count)))

    def _wait_ready(self, children: list[Child]) -> list[str] | None:
        """Wait until each child says it is up; what they said to print, or None when one ended first or
        the start took too long."""
        waiting = {c.ready_fd: c for c in children}
        said: dict[tuple[str, int], str] = {}
        deadline = time.monotonic() + START_TIMEOUT_S
        while waiting and not self.stopping and time.monotonic() < deadline:
            readable, _, _ = select.select(list(waiting), [], [], 0.2)
            for fd in readable:  # "ok" and its lines, then end of file; only end of file: it died (see below)
                child = waiting.pop(fd)
                child.ready_fd = -1
                said[child.role, child.index] = _read_all(fd).decode().removeprefix("ok\n")
                os.close(fd)
            for child in list(self.children.values()):
                pid, status = os.waitpid(child.pid, os.WNOHANG)
                if pid:
                    log.error("%s %s while starting", child.name, _how(status))
                    del self.children[pid]
                    self._stop_all()
                    return None
        if waiting:
            self._stop_all()
            return None
        return [said[key] for key in sorted(said)]  # the processors' first

    def _reap(self, restarts: Counter) -> None:
        """Restart each child that ended on its own."""
        while True:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if not pid:
                return
            child = self.children.pop(pid, None)
            if child is None:
                continue
            forget_process(pid)
            if self.stopping:
                continue
            if time.monotonic() - child.started < QUICK_EXIT_S:
                time.sleep(1.0)  # a child failing at start must not spin
            self._spawn(child)
            if child.ready_fd >= 0:
                os.close(child.ready_fd)
                child.ready_fd = -1
            restarts.labels(child.role).inc()
            log.error("%s (pid %d) %s; restarted as pid %d", child.name, pid, _how(status), child.pid)

    def _stop_all(self) -> int:
        """SIGTERM the web processes, then the processors; kill what outlives the grace period."""
        clean = True
        for role in ("web", "processor"):
            group = [c for c in self.children.values() if c.role == role]
            for child in group:
                _signal(child.pid, signal.SIGTERM)
            deadline = time.monotonic() + STOP_GRACE_S
            for child in group:
                clean = _wait(child.pid, deadline) and clean
                self.children.pop(child.pid, None)
                forget_process(child.pid)
        return 0 if clean else 1


def _read_all(fd: int) -> bytes:
    chunks = []
    while chunk := os.read(fd, 65536):
        chunks.append(chunk)
    return b"".join(chunks)


def _signal(pid: int, sig: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, sig)


def _wait(pid: int, deadline: float) -> bool:
    """Wait for ``pid`` to end; True when it ended by itself with code 0, killed (False) after ``deadline``."""
    while time.monotonic() < deadline:
        try:
            done, status = os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            return True
        if done:
            if status != 0:
                log.warning("process %d %s while stopping", pid, _how(status))
            return status == 0
        time.sleep(0.05)
    log.error("process %d did not stop within %.0f s; killing it", pid, STOP_GRACE_S)
    _signal(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    return False
