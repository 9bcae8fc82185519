"""A connection pool to the service's PostgreSQL database (${{ values.database.name }})."""

from contextlib import contextmanager
from typing import Iterator

from psycopg import Connection
from psycopg_pool import ConnectionPool

_pool: ConnectionPool | None = None


def open_pool(database_url: str) -> None:
    global _pool
    _pool = ConnectionPool(database_url, min_size=1, max_size=10, open=True)


def close_pool() -> None:
    if _pool is not None:
        _pool.close()


@contextmanager
def connection() -> Iterator[Connection]:
    if _pool is None:
        raise RuntimeError("the database pool is not open (DATABASE_URL unset?)")
    with _pool.connection() as conn:
        yield conn


def is_reachable() -> bool:
    try:
        with connection() as conn:
            conn.execute("SELECT 1")
        return True
    except Exception:
        return False
