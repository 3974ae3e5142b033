"""`tenantapi`: the operator's command line (workspaces and keys).

It talks to DynamoDB like the functions do; point it at DynamoDB Local with the standard
AWS_ENDPOINT_URL_DYNAMODB variable (`make run` prints the exports).
"""

from __future__ import annotations

import argparse
import sys
from typing import Sequence

from botocore.exceptions import BotoCoreError, ClientError
from tenantapi.auth.console_keys import ConsoleKeySync
from tenantapi.auth.keys import KeyStore
from tenantapi.auth.role_store import RoleStore
from tenantapi.auth.roles import ROLES
from tenantapi.errors import ApiError
from tenantapi.limits.buckets import BucketLimit
from tenantapi.limits.limiter import set_workspace_limits, workspace_limits
from tenantapi.storage.metadata_store import WorkspaceHead
from tenantapi.usage_plans import set_plan
from tenantapi.workspaces import create_workspace, find_workspace

from .local.template import template_usage_plans

__all__ = ["main"]


def _workspace(id_or_name: str):
    head = find_workspace(id_or_name)
    if head is None:
        raise ApiError(f"Workspace '{id_or_name}' not found")
    return head


def _workspace_create(args: argparse.Namespace) -> None:
    head = create_workspace(args.name)
    print(f"Created workspace {head.name} with the standard objects.")
    print(head.id)


def _workspace_set_plan(args: argparse.Namespace) -> None:
    head = _workspace(args.workspace)
    plan_id = set_plan(head, args.plan, local_plans=template_usage_plans())
    print(f"Workspace {head.name} is on usage plan {plan_id}.")
    changed = args.per_minute is not None or args.per_second is not None
    if changed:
        limits = set_workspace_limits(
            head.id,
            long=BucketLimit(args.per_minute, 60_000) if args.per_minute is not None else None,
            short=BucketLimit(args.per_second, 1_000) if args.per_second is not None else None,
        )
    else:
        limits = workspace_limits(head.id)
    # The functions' exact limiter is separate from the plan's gateway throttle: say what it holds.
    hint = "" if changed else " (change with --per-minute / --per-second)"
    print(f"Rate limits: {limits.long.limit} per {limits.long.window_ms} ms, {limits.short.limit} per {limits.short.window_ms} ms{hint}")


def _role_ref(head: WorkspaceHead, role: str) -> str:
    """What a key stores for `--role`: a built-in's name, or a custom role's id (by id or label)."""
    if role in ROLES:
        return role
    roles = RoleStore().roles(head)
    found = roles.find(role) or next((r for r in roles.custom if r.label == role), None)
    if found is None:
        raise ApiError(f"Role '{role}' not found in workspace {head.name} (roles: {', '.join(r.label for r in roles.roles)})")
    return found.key_ref


def _keys_create(args: argparse.Namespace) -> None:
    head = _workspace(args.workspace)
    key, secret = KeyStore().create(
        head.id, role=_role_ref(head, args.role), name=args.name, usage_key=head.usage_key, expires_at=args.expires_at
    )
    print(f"Created key {key.id} ({key.role}) for workspace {head.name}. The secret is shown once:")
    print(secret)


def _keys_list(args: argparse.Namespace) -> None:
    head = _workspace(args.workspace)
    for key in KeyStore().list(head.id):
        state = "revoked" if key.revoked_at else ("expires " + key.expires_at if key.expires_at else "active")
        print(f"{key.id}\t{key.role}\t{state}\t{key.name}")


def _keys_revoke(args: argparse.Namespace) -> None:
    key = KeyStore().revoke(args.key_id)
    print(f"Revoked key {key.id} at {key.revoked_at}")


def _keys_sync(args: argparse.Namespace) -> None:
    # Ids and outcomes only: a console key's value is a secret.
    for outcome in ConsoleKeySync().resync_all():
        where = f"key {outcome.key_id} of workspace {outcome.workspace_id}" if outcome.key_id else ""
        print("\t".join(part for part in (outcome.console_key_id, outcome.action, where, outcome.reason or "") if part))


def _positive(raw: str) -> int:
    if not raw.isdigit() or int(raw) < 1:
        raise argparse.ArgumentTypeError(f"'{raw}' is not a whole number of at least 1")
    return int(raw)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="tenantapi", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)

    workspace = commands.add_parser("workspace", help="workspaces").add_subparsers(dest="action", required=True)
    create = workspace.add_parser("create", help="create a workspace with the standard objects")
    create.add_argument("name")
    create.set_defaults(run=_workspace_create)
    set_plan_parser = workspace.add_parser("set-plan", help="move a workspace's usage key to a usage plan")
    set_plan_parser.add_argument("workspace", help="workspace id or name")
    set_plan_parser.add_argument("plan", help="default, pro, or a usage plan id")
    set_plan_parser.add_argument("--per-minute", dest="per_minute", type=_positive, help="requests per 60 s (function limiter)")
    set_plan_parser.add_argument("--per-second", dest="per_second", type=_positive, help="requests per 1 s (function limiter)")
    set_plan_parser.set_defaults(run=_workspace_set_plan)

    keys = commands.add_parser("keys", help="API keys").add_subparsers(dest="action", required=True)
    key_create = keys.add_parser("create", help="create a key; the secret is printed once, on the last line")
    key_create.add_argument("--workspace", required=True, help="workspace id or name")
    key_create.add_argument("--role", required=True, help="Admin, Member, or a custom role's id or label")
    key_create.add_argument("--name", default="CLI key")
    key_create.add_argument("--expires-at", dest="expires_at", help="ISO 8601 date-time")
    key_create.set_defaults(run=_keys_create)
    key_list = keys.add_parser("list", help="list a workspace's keys (never a secret)")
    key_list.add_argument("--workspace", required=True, help="workspace id or name")
    key_list.set_defaults(run=_keys_list)
    key_revoke = keys.add_parser("revoke", help="revoke a key")
    key_revoke.add_argument("key_id")
    key_revoke.set_defaults(run=_keys_revoke)
    key_sync = keys.add_parser(
        "sync", help="resynchronise the keys managed in the API Gateway console (tagged tenantapi:workspace and tenantapi:role)"
    )
    key_sync.set_defaults(run=_keys_sync)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        args.run(args)
    except ApiError as error:
        print(f"tenantapi: {error.message}", file=sys.stderr)
        return 1
    except (BotoCoreError, ClientError) as error:
        print(f"tenantapi: DynamoDB error: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
