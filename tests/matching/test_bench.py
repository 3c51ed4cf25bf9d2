"""`manage.py bench`: the servers it starts, wrk's report read into figures, and the table and JSON."""

import json
from pathlib import Path

import pytest
from django.core.management import call_command

from matching.management.commands.bench import render_table
from portal import bench
from portal.bench_floor import FLOOR_PATHS

WRK_REPORT = """Running 1s test @ http://127.0.0.1:40000/
  2 threads and 16 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     6.12ms    3.01ms  48.20ms   91.00%
    Req/Sec     1.30k   120.00     1.50k    70.00%
  Latency Distribution
     50%    5.50ms
     75%    7.00ms
     90%    9.10ms
     99%    1.02s
  2600 requests in 1.00s, 1.20MB read
  Socket errors: connect 0, read 1, write 0, timeout 2
  Non-2xx or 3xx responses: 4
Requests/sec:   2598.40
Transfer/sec:      1.20MB
"""


def test_wrk_report_is_read_into_figures():
    result = bench.wrk_parse(WRK_REPORT)
    assert result.requests_per_second == 2598.4
    assert (result.p50_ms, result.p90_ms, result.p99_ms) == (5.5, 9.1, 1020.0)
    assert result.requests == 2600
    assert result.errors == 7


@pytest.mark.skipif(not Path(bench.WRK).exists(), reason="wrk is not installed")
def test_the_bare_view_runs_under_gunicorn_and_wrk_measures_it():
    with bench.Server(app="portal.bench_bare:application", settings_module="portal.bench_bare").start() as server:
        status, body = bench.fetch(server.base_url + "/")
        result = bench.wrk_run(server.base_url + "/", seconds=1, connections=4)
    assert status == 200
    assert b"bare Django view" in body
    assert result.requests_per_second > 0
    assert result.errors == 0
    assert 0 < result.p50_ms <= result.p99_ms


REPORT = {
    "environment": {"cpus": 2, "database": "postgresql", "seconds": 5},
    "bare": [{"section": "bare", "page": "/", "requests_per_second": 2500.0, "p50_ms": 3.0, "p99_ms": 9.0}],
    "pages": [
        {
            "section": "pages",
            "page": "/lt/",
            "requests_per_second": 1500.0,
            "share_of_bare": 60.0,
            "p50_ms": 5.0,
            "p99_ms": 20.0,
            "queries": 3,
            "errors": 0,
        }
    ],
    "admin": [{"page": "household changelist", "p50_ms": 120.0, "p90_ms": 150.0, "queries": 9}],
    "matching": [
        {
            "size": 10000,
            "total_s": 2.5,
            "peak_mb": 400.0,
            "feasible_pairs": 500000,
            "phases": [{"phase": "filter", "seconds": 0.5, "cells": 600000}],
        }
    ],
    "weight": [
        {
            "path": "/lt/",
            "html_bytes": 3999,
            "assets_bytes": 5151,
            "total_compressed_bytes": 9150,
            "total_raw_bytes": 29000,
            "assets": 5,
        }
    ],
}


def test_the_report_is_one_table():
    table = render_table(REPORT)
    lines = [line for line in table.splitlines() if line.startswith("|")]
    assert len({len(line) for line in lines}) == 1  # one table, aligned
    assert any("/lt/" in line and "60.0" in line and "1,500.0" in line for line in lines)
    assert any("household changelist" in line and "120.0" in line for line in lines)
    assert any("10k filter" in line and "600,000 cells" in line for line in lines)
    assert any("weight" in line and "8.9 KB compressed" in line and "5 assets" in line for line in lines)


@pytest.mark.django_db
def test_json_gives_the_sections_asked_for(capsys):
    call_command("bench", "--json", "--only", "weight", "--paths", "/lt/")
    report = json.loads(capsys.readouterr().out)
    assert set(report) == {"environment", "weight"}
    (row,) = report["weight"]
    assert row["path"] == "/lt/" and 0 < row["total_compressed_bytes"] < row["total_raw_bytes"]


@pytest.mark.django_db
def test_the_floor_pages_exist_only_in_the_benchmarks_urlconf(client, settings, user_factory):
    """The two floor pages of a signed-in request: behind sign-in, the layout's page with the portal's
    menu and nothing of its own; absent from the portal's own URLconf."""
    user = user_factory(email="floor@example.org")
    signed_in, layout = FLOOR_PATHS
    settings.ROOT_URLCONF = "portal.bench_floor"
    assert client.get(signed_in).status_code == 302  # to the sign-in page
    client.force_login(user)
    assert client.get(signed_in).content == b"<!DOCTYPE html>\n<p>Signed in.</p>\n"
    page = client.get(layout)
    assert page.status_code == 200
    body = page.content.decode()
    assert 'class="site-nav"' in body and 'class="language-switcher"' in body
    assert body.count("<main") == 1 and "<h1" not in body  # the layout only
    assert client.get("/lt/sponsor/").status_code in (200, 302)  # the portal's pages are all there
    settings.ROOT_URLCONF = "portal.urls"
    assert client.get(signed_in).status_code == 404
    assert client.get(layout).status_code == 404
