"""Settings read from the environment, with the defaults used locally."""

from __future__ import annotations

import os
from dataclasses import dataclass

__all__ = ["Settings", "settings"]


@dataclass(frozen=True)
class Settings:
    metadata_table: str
    records_table: str
    region: str

    @classmethod
    def from_env(cls) -> "Settings":
        return cls(
            metadata_table=os.environ.get("METADATA_TABLE", "tenantapi-metadata"),
            records_table=os.environ.get("RECORDS_TABLE", "tenantapi-records"),
            region=os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or "us-east-1",
        )


def settings() -> Settings:
    """Read on each call: tests and the local runner change the environment at run time."""
    return Settings.from_env()
