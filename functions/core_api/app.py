"""Core API function (/rest/{proxy+}, /graphql): Mangum serving the engine's ASGI app."""

from mangum import Mangum

from tenantapi.api.core_app import create_core_app
from tenantapi.observability import instrumented

# Built once per execution environment; lifespan "off" because Mangum would otherwise run the
# startup/shutdown cycle inside every invocation.
handler = instrumented(Mangum(create_core_app(), lifespan="off"))
