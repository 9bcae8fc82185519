from fastapi.testclient import TestClient

from app.main import app


def test_healthz_answers_without_a_database():
    client = TestClient(app)
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "service": "orders-api"}


def test_readyz_waits_for_the_database():
    client = TestClient(app)
    assert client.get("/readyz").status_code == 503
