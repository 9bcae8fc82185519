"""orders-api: the FastAPI application."""

from contextlib import asynccontextmanager

from fastapi import FastAPI, Response, status

from . import db
from .settings import load

settings = load()


@asynccontextmanager
async def lifespan(_app: FastAPI):
    if settings.database_url:
        db.open_pool(settings.database_url)
    yield
    db.close_pool()


app = FastAPI(
    title="orders-api",
    description="Takes and tracks customer orders; says \"hello\" in JSON.",
    version="0.1.0",
    lifespan=lifespan,
)


@app.get("/healthz")
def healthz() -> dict[str, str]:
    """Liveness: the process answers."""
    return {"status": "ok", "service": settings.service_name}


@app.get("/readyz")
def readyz(response: Response) -> dict[str, str]:
    """Readiness: the database answers."""
    if settings.database_url and db.is_reachable():
        return {"status": "ready"}
    response.status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    return {"status": "waiting for the database"}
