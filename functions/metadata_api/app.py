"""Metadata API function (/rest/metadata/{proxy+}, /metadata): Mangum serving the engine's ASGI app."""

from mangum import Mangum

from tenantapi.api.metadata_app import create_metadata_app

handler = Mangum(create_metadata_app(), lifespan="off")
