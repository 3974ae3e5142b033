"""Console key sync (EventBridge: API Gateway key calls via CloudTrail): wiring only; the sync is
tenantapi.auth.console_keys."""

from tenantapi.auth.console_keys import ConsoleKeySync


def handler(event, context):
    outcome = ConsoleKeySync().handle_event(event)
    return outcome.as_dict() if outcome is not None else {"action": "ignored"}
