"""Tools of the page benchmark (`manage.py bench`): gunicorn started the way production runs it, wrk
against it, and wrk's report read into figures.

The portal and the bare view (`portal.bench_bare`) run under the same server settings (gunicorn with
`portal/gunicorn.conf.py`, sync workers, DEBUG off), one after the other on the same port range, and
the pages are measured interleaved with the bare view, so that a ratio compares two measurements
taken moments apart on the same loaded machine.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

WRK = shutil.which("wrk") or "/usr/bin/wrk"
BENCH_SECRET_KEY = "bench-only-secret-key-never-used-in-production-0123456789abcdef"

_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


@dataclass
class WrkResult:
    requests_per_second: float
    p50_ms: float
    p90_ms: float
    p99_ms: float
    requests: int
    errors: int  # socket errors and non-2xx/3xx responses


def _ms(value: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", value.strip())
    if not match:
        raise ValueError(f"not a wrk duration: {value!r}")
    return float(match.group(1)) * _UNITS[match.group(2)]


def wrk_parse(output: str) -> WrkResult:
    """The figures of `wrk --latency`'s report: requests per second, latency percentiles in ms, errors."""
    rps = re.search(r"^Requests/sec:\s+([\d.]+)", output, re.M)
    if rps is None:
        raise ValueError("wrk's report has no Requests/sec line")
    percentiles = {int(p): _ms(v) for p, v in re.findall(r"^\s+(\d+)%\s+(\S+)\s*$", output, re.M)}
    total = re.search(r"^\s*(\d+) requests in", output, re.M)
    errors = sum(int(n) for n in re.findall(r"^\s*Non-2xx or 3xx responses:\s+(\d+)", output, re.M))
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    if socket_errors:
        errors += sum(int(n) for n in socket_errors.groups())
    return WrkResult(
        requests_per_second=float(rps.group(1)),
        p50_ms=percentiles.get(50, 0.0),
        p90_ms=percentiles.get(90, 0.0),
        p99_ms=percentiles.get(99, 0.0),
        requests=int(total.group(1)) if total else 0,
        errors=errors,
    )


def wrk_run(url: str, *, seconds: float, connections: int = 16, threads: int = 2, cookie: str = "") -> WrkResult:
    if not Path(WRK).exists():
        raise RuntimeError("wrk is not installed (apt-get install wrk)")
    command = [WRK, f"-t{threads}", f"-c{connections}", f"-d{max(1, round(seconds))}s", "--latency"]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    done = subprocess.run([*command, url], capture_output=True, text=True, timeout=seconds + 60, check=True)
    return wrk_parse(done.stdout)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """gunicorn on a free loopback port, with the production configuration (`portal/gunicorn.conf.py`)
    and `workers` sync workers, serving `app` ("module:application") under `settings_module`."""

    def __init__(self, *, app: str, settings_module: str, workers: int = 2, env: dict[str, str] | None = None):
        self.app = app
        self.settings_module = settings_module
        self.workers = workers
        self.extra_env = env or {}
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None

    def environment(self) -> dict[str, str]:
        return {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": self.settings_module,
            "DEBUG": "0",
            "SECRET_KEY": os.environ.get("BENCH_SECRET_KEY", BENCH_SECRET_KEY),
            "EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend",
            # Plain HTTP on loopback: no redirect to HTTPS.
            "SECURE_SSL_REDIRECT": "0",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "WEB_CONCURRENCY": str(self.workers),
            "LOG_LEVEL": "WARNING",
            # The page cache of this run only (Redis may be shared with other sites and runs).
            "PAGE_CACHE_KEY_PREFIX": f"bench-{self.port}",
            **self.extra_env,
        }

    def start(self, *, ready_path: str = "/", timeout: float = 60) -> Server:
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "-c",
            str(Path(settings.BASE_DIR) / "portal" / "gunicorn.conf.py"),
            "--bind",
            f"127.0.0.1:{self.port}",
            "--workers",
            str(self.workers),
            "--worker-class",
            "sync",
            self.app,
        ]
        # The access log (one line per request, as in production) goes nowhere: the terminal would
        # otherwise be the bottleneck.
        self.process = subprocess.Popen(
            command,
            cwd=settings.BASE_DIR,
            env=self.environment(),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn ({self.app}) exited: {self.process.stderr.read()[-2000:]}")
            try:
                status, _ = fetch(self.base_url + ready_path)
                if status < 500:
                    # Every worker imports the application lazily on its first request: warm both.
                    for _ in range(self.workers * 4):
                        fetch(self.base_url + ready_path)
                    return self
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"gunicorn ({self.app}) did not answer within {timeout:.0f} s")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
        self.process = None

    def __enter__(self) -> Server:
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def fetch(url: str, *, cookie: str = "") -> tuple[int, bytes]:
    """One GET without following redirects: (status, body)."""
    opener = urllib.request.build_opener(_NoRedirect)
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    try:
        with opener.open(request, timeout=30) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()
