from http import HTTPStatus

import pytest


@pytest.mark.django_db
def test_healthz_is_ok_in_eager_mode(client):
    response = client.get("/healthz")
    assert response.status_code == HTTPStatus.OK
    assert response.json() == {"status": "ok", "failing": [], "database": "ok", "broker": "eager"}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_healthz_names_a_broken_broker_with_503(client, broken_broker):
    response = client.get("/healthz")
    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    body = response.json()
    assert body["status"] == "error"
    assert body["failing"] == ["broker"]
    assert body["database"] == "ok"
    assert broken_broker not in response.content.decode()  # no connection details on a public endpoint


@pytest.mark.django_db
def test_healthz_refuses_writes(client):
    assert client.post("/healthz").status_code == HTTPStatus.METHOD_NOT_ALLOWED


@pytest.mark.needs_redis
@pytest.mark.django_db
def test_healthz_reports_a_live_redis_broker(client, celery_worker):
    response = client.get("/healthz")
    assert response.status_code == HTTPStatus.OK
    assert response.json()["broker"] == "ok"
