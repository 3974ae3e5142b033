"""Per-workspace OpenAPI 3.1 documents of the core and metadata REST APIs (docs/api.md §1.3)."""

from __future__ import annotations

from .core import core_document
from .metadata import metadata_document
from .routes import openapi_routes

__all__ = ["core_document", "metadata_document", "openapi_routes"]
