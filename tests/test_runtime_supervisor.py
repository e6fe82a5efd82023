"""`atlas run`'s supervisor: a worker that exits is started again with a backoff while the web
server keeps answering; the web server's exit stops everything (status 1); SIGTERM stops
everything cleanly (status 0)."""

from __future__ import annotations

import http.client
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from atlas.runtime.supervisor import Child, Supervisor
from tests.factories import eventually, process_environment, stop_gracefully
from tests.mailbox import free_port

SLEEPER = [sys.executable, "-c", "import time; time.sleep(120)"]
QUITTER = [sys.executable, "-c", "import sys; sys.exit(3)"]

pytestmark = pytest.mark.slow  # starts processes


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


@pytest.fixture
def supervised() -> Iterator[Callable[[list[Child]], tuple[Supervisor, threading.Thread, list]]]:
    running: list[tuple[Supervisor, threading.Thread]] = []

    def start(children: list[Child]) -> tuple[Supervisor, threading.Thread, list]:
        supervisor = Supervisor(children)
        status: list[int] = []
        thread = threading.Thread(target=lambda: status.append(supervisor.run()))
        thread.start()
        running.append((supervisor, thread))
        return supervisor, thread, status

    yield start
    for supervisor, thread in running:
        supervisor.stop()
        thread.join(40)


def test_a_worker_that_exits_is_started_again_with_a_growing_delay(supervised: Any) -> None:
    web, worker = Child("web server", SLEEPER, essential=True), Child("worker", QUITTER)
    supervisor, thread, status = supervised([web, worker])
    assert eventually(lambda: worker.starts >= 3, 10)  # at 0 s, then after 1 s and 2 s
    started = time.monotonic()
    assert eventually(lambda: worker.starts >= 4, 6)  # after 4 s
    assert time.monotonic() - started > 2  # the delay grew
    assert web.starts == 1 and web.process is not None and web.process.poll() is None
    web_pid = web.pid
    supervisor.stop()
    thread.join(40)
    assert status == [0]
    assert web_pid is not None and not alive(web_pid)


def test_what_an_exited_worker_forked_does_not_outlive_it(supervised: Any, tmp_path: Path) -> None:
    pid_file = tmp_path / "horse.pid"
    forks_and_exits = [sys.executable, "-c", (
        "import pathlib, subprocess, sys\n"
        "horse = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(120)'])\n"
        f"pathlib.Path({str(pid_file)!r}).write_text(str(horse.pid))\n"
        "sys.exit(3)\n"
    )]  # fmt: skip
    web, worker = Child("web server", SLEEPER, essential=True), Child("worker", forks_and_exits)
    supervised([web, worker])
    assert eventually(lambda: pid_file.exists() and pid_file.read_text(), 10)
    horse = int(pid_file.read_text())
    assert eventually(lambda: not alive(horse), 5)  # gone with the worker's session


def test_the_web_server_s_exit_stops_everything_with_status_1(supervised: Any) -> None:
    web, worker = Child("web server", SLEEPER, essential=True), Child("worker", SLEEPER)
    _, thread, status = supervised([web, worker])
    assert eventually(lambda: web.pid and worker.pid, 5)
    worker_pid = worker.pid
    assert web.process is not None
    web.process.kill()
    thread.join(40)
    assert status == [1]
    assert worker_pid is not None and not alive(worker_pid)


def test_children_run_in_sessions_of_their_own(supervised: Any) -> None:
    worker = Child("worker", SLEEPER)
    supervised([worker])
    assert eventually(lambda: worker.pid, 5)
    assert worker.pid is not None
    assert os.getsid(worker.pid) == worker.pid != os.getsid(0)  # Ctrl-C does not reach it


SUPERVISOR_SCRIPT = """
import sys
from atlas.runtime.supervisor import Child, Supervisor
sleeper = [sys.executable, "-c", "import time; time.sleep(120)"]
supervisor = Supervisor([Child("web server", sleeper, essential=True), Child("worker", sleeper)])
supervisor.handle_signals()
supervisor.start()
print(" ".join(str(child.pid) for child in supervisor.children), flush=True)
sys.exit(supervisor.run())
"""


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT, signal.SIGHUP])
def test_a_signal_stops_every_child_and_exits_0(signum: signal.Signals) -> None:
    process = subprocess.Popen(
        [sys.executable, "-c", SUPERVISOR_SCRIPT], stdout=subprocess.PIPE, text=True
    )
    assert process.stdout is not None
    children = [int(pid) for pid in process.stdout.readline().split()]
    assert len(children) == 2 and all(alive(pid) for pid in children)
    process.send_signal(signum)
    assert process.wait(timeout=40) == 0
    assert eventually(lambda: not any(alive(pid) for pid in children), 5)


# `atlas run` itself --------------------------------------------------------------------------


def answers(port: int) -> bool:
    try:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
        connection.request("GET", "/healthz")
        return connection.getresponse().status == 200
    except OSError:
        return False


def page(port: int, path: str) -> str:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    connection.request("GET", path)
    return connection.getresponse().read().decode()


def worker_pids(log: Path) -> list[int]:
    return [int(pid) for pid in re.findall(r"The worker started \(pid (\d+)\)", log.read_text())]


@pytest.mark.xdist_group("task-queue")
@pytest.mark.django_db(transaction=True)
def test_atlas_run_restarts_a_killed_worker_while_the_web_keeps_answering(
    tmp_path: Path, empty_task_queue: None, article: Any
) -> None:
    port = free_port()
    log = tmp_path / "run.log"
    environment = process_environment()
    environment.pop("ATLAS_PUBLIC_URL", None)
    environment.pop("PORT", None)
    with log.open("w") as output:
        run = subprocess.Popen(
            [sys.executable, "-m", "atlas", "run", "--no-demo", "--port", str(port)],
            env=environment,
            stdout=output,
            stderr=output,
        )
    try:
        assert eventually(lambda: answers(port) and worker_pids(log), 90), log.read_text()
        # Links (canonical, mail) name the port this run serves on, not the default 8000.
        canonical = f'<link rel="canonical" href="http://127.0.0.1:{port}/posts/{article.slug}/">'
        assert canonical in page(port, article.get_absolute_url())
        first = worker_pids(log)[0]
        os.kill(first, signal.SIGKILL)
        killed = time.monotonic()
        failures = 0
        while len(worker_pids(log)) < 2 and time.monotonic() - killed < 15:
            failures += not answers(port)
            time.sleep(0.1)
        assert len(worker_pids(log)) == 2, log.read_text()
        assert time.monotonic() - killed < 5  # the first restart comes after 1 s
        assert failures == 0  # the web server answered throughout
        second = worker_pids(log)[1]
        assert second != first and alive(second)
        assert run.poll() is None
        run.send_signal(signal.SIGTERM)
        assert run.wait(timeout=40) == 0, log.read_text()
        assert eventually(lambda: not alive(second), 5)
        assert not answers(port)
    finally:
        stop_gracefully(run, 40)  # after a failed assertion: its web server and worker too
