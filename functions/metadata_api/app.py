"""Metadata API function (/rest/metadata/{proxy+}, /metadata, /rest/open-api/…, the playground):
Mangum serving the engine's ASGI app."""

from mangum import Mangum

from tenantapi.api.metadata_app import create_metadata_app
from tenantapi.observability import instrumented

handler = instrumented(Mangum(create_metadata_app(), lifespan="off"))
