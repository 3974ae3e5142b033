"""TOKEN authorizer: wiring only; the decision is made in tenantapi.auth.authorizer."""

from tenantapi.auth.authorizer import authorize_token_event
from tenantapi.observability import instrumented


@instrumented
def handler(event, context):
    return authorize_token_event(event)
