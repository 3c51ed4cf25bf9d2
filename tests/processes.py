"""Real processes for fault tests: a Redis server of the test's own (to stop or freeze) and Celery
workers on it (to kill). Never the shared Redis on 6379.

A pytest plugin (tests/conftest.py loads it): the `own_redis` fixture is available to every test."""

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlparse, urlunparse

import pytest
from django.conf import settings

from tests.helpers import BASE_DIR

REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class RedisServer:
    """`redis-server` on a free port, without persistence; `stop()`, `start()` (same port), `freeze()`
    (SIGSTOP: connections are still accepted by the kernel, nothing is answered) and `thaw()`."""

    def __init__(self, directory: Path):
        self.directory = directory
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            cwd=self.directory,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2) as sock:
                    sock.sendall(b"PING\r\n")
                    if sock.recv(16).startswith(b"+PONG"):
                        return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        if self.process is not None:
            self.thaw()
            self.process.kill()
            self.process.wait(timeout=10)
            self.process = None

    def freeze(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGSTOP)

    def thaw(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGCONT)


@pytest.fixture
def own_redis(tmp_path):
    if not Path(REDIS_SERVER).exists():
        pytest.fail("redis-server is not installed", pytrace=False)
    server = RedisServer(tmp_path)
    server.start()
    yield server
    server.stop()


def test_database_url() -> str:
    """The test database pytest-django created, for processes of their own (workers, commands)."""
    return urlunparse(urlparse(os.environ["DATABASE_URL"])._replace(path="/" + settings.DATABASES["default"]["NAME"]))


test_database_url.__test__ = False  # not a test


def process_env(*, redis_url: str, mail_dir: Path, **extra: str) -> dict[str, str]:
    """The environment of a production-settings process on `redis_url` and the test database, sending
    mail to files in `mail_dir`, with the test run's queue."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings.base",
        "DEBUG": "0",
        "SECRET_KEY": "worker-test-secret-key-0123456789abcdefghijklmnopqrstuvwxyz",
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(mail_dir),
        "CELERY_QUEUE": settings.CELERY_TASK_DEFAULT_QUEUE,
        "REDIS_URL": redis_url,
        "DATABASE_URL": test_database_url(),
        **extra,
    }


def worker_start(*, redis_url: str, mail_dir: Path, log_path: Path, **extra: str) -> subprocess.Popen:
    """A real Celery worker (solo pool: kill -9 kills the process executing the task) on `redis_url`.
    Returns once it answered a ping; the caller's Celery must point at `redis_url` already."""
    env = process_env(redis_url=redis_url, mail_dir=mail_dir, **extra)
    cmd = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "portal",
        "worker",
        "-Q",
        settings.CELERY_TASK_DEFAULT_QUEUE,
        "--pool=solo",
        "--loglevel=INFO",
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
    ]
    log = log_path.open("a")
    process = subprocess.Popen(cmd, cwd=BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT)
    log.close()
    from portal.tasks import ping

    deadline = time.monotonic() + 60
    while True:
        try:
            if ping.delay().get(timeout=3) == "pong":
                return process
        except Exception:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                raise RuntimeError(f"Celery worker did not start; see {log_path}") from None


def worker_stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def mails_sent(mail_dir: Path) -> list[tuple[str, str]]:
    """(To, Subject) of every email the file backend wrote to `mail_dir`."""
    found = []
    for path in sorted(mail_dir.glob("*.log")):
        to = subject = ""
        for line in path.read_text().splitlines():
            if line.startswith("To: "):
                to = line[4:].strip()
            elif line.startswith("Subject: "):
                subject = line[9:].strip()
            elif line.startswith("-" * 79) and to:
                found.append((to, subject))
                to = subject = ""
        if to:
            found.append((to, subject))
    return found


def wait_for(predicate, *, timeout: float = 30, interval: float = 0.2):
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(interval)
