"""Settings read from the environment (the deployment injects the database's credentials)."""

import os
from dataclasses import dataclass


@dataclass(frozen=True)
class Settings:
    service_name: str
    environment: str
    database_url: str | None


def load() -> Settings:
    return Settings(
        service_name=os.environ.get("SERVICE_NAME", "${{ values.name }}"),
        environment=os.environ.get("ENVIRONMENT", "${{ values.environment }}"),
        # CloudNativePG and RDS both hand out a libpq connection URI.
        database_url=os.environ.get("DATABASE_URL"),
    )
