"""`tenantapi`: the operator's command line (workspaces and keys).

It talks to DynamoDB like the functions do; point it at DynamoDB Local with the standard
AWS_ENDPOINT_URL_DYNAMODB variable (`make run` prints the exports).
"""

from __future__ import annotations

import argparse
import sys
from typing import Sequence

from botocore.exceptions import BotoCoreError, ClientError

from .auth.keys import KeyStore
from .auth.roles import ROLES
from .errors import ApiError
from .workspaces import create_workspace, find_workspace

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


def _keys_create(args: argparse.Namespace) -> None:
    head = _workspace(args.workspace)
    key, secret = KeyStore().create(
        head.id, role=args.role, name=args.name, usage_key=head.usage_key, expires_at=args.expires_at
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


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="tenantapi", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)

    workspace = commands.add_parser("workspace", help="workspaces").add_subparsers(dest="action", required=True)
    create = workspace.add_parser("create", help="create a workspace with the standard objects")
    create.add_argument("name")
    create.set_defaults(run=_workspace_create)

    keys = commands.add_parser("keys", help="API keys").add_subparsers(dest="action", required=True)
    key_create = keys.add_parser("create", help="create a key; the secret is printed once, on the last line")
    key_create.add_argument("--workspace", required=True, help="workspace id or name")
    key_create.add_argument("--role", required=True, choices=sorted(ROLES))
    key_create.add_argument("--name", default="CLI key")
    key_create.add_argument("--expires-at", dest="expires_at", help="ISO 8601 date-time")
    key_create.set_defaults(run=_keys_create)
    key_list = keys.add_parser("list", help="list a workspace's keys (never a secret)")
    key_list.add_argument("--workspace", required=True, help="workspace id or name")
    key_list.set_defaults(run=_keys_list)
    key_revoke = keys.add_parser("revoke", help="revoke a key")
    key_revoke.add_argument("key_id")
    key_revoke.set_defaults(run=_keys_revoke)
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
