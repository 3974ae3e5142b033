"""The functions' IAM policies, applied to their DynamoDB calls as AWS applies them.

On AWS each function's role allows only what its `Policies` in template.yaml say; a call outside
them fails with AccessDeniedException. The local runtime runs every function in one process with
one set of credentials, so without this module a function could use more than its role allows and
no test would notice. Here each DynamoDB call made while a function runs is checked against that
function's policy statements, and refused the way DynamoDB refuses it.

What is evaluated, as IAM does for DynamoDB:
- SAM policy templates (`DynamoDBCrudPolicy: {TableName: ...}`) expand through SAM's own
  processor (samtranslator), so the actions are exactly those SAM deploys; inline `Statement`s are
  taken as written. Only `Allow` and `Deny` with `Action`, `Resource` and the one condition the
  template uses (`ForAllValues:StringLike` / `StringEquals` on `dynamodb:LeadingKeys`) are
  understood: anything else is a TemplateError at start, never a silent allow.
- A transaction needs the item-level permission for each of its items (PutItem, UpdateItem,
  DeleteItem, ConditionCheckItem, GetItem), on each item's own table and partition key.
- `dynamodb:LeadingKeys` holds the partition key values a request touches. A request that names
  none (a Scan) satisfies any `ForAllValues` condition: IAM's documented pitfall, kept here so that
  a policy relying on it is refused locally as it would be open on AWS.
"""

from __future__ import annotations

import contextvars
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from botocore.exceptions import ClientError

from tenantapi_tools.local.intrinsics import PSEUDO_PARAMETERS
from tenantapi_tools.local.template import TemplateError

__all__ = ["DynamoRequest", "FunctionPolicy", "Statement", "acting_as", "dynamodb_requests", "function_policies", "table_arn"]

_LEADING_KEYS = "dynamodb:LeadingKeys"
_CONDITION_OPERATORS = {"ForAllValues:StringLike": True, "ForAllValues:StringEquals": False}  # -> wildcards?
_TRANSACT_ACTIONS = {"Put": "PutItem", "Update": "UpdateItem", "Delete": "DeleteItem", "ConditionCheck": "ConditionCheckItem"}

Resolve = Callable[[Any, str], Any]  # an intrinsic's value, given what it is for (in errors)


_ACCOUNT = PSEUDO_PARAMETERS["AWS::AccountId"]


def table_arn(table: str) -> str:
    return f"arn:aws:dynamodb:{PSEUDO_PARAMETERS['AWS::Region']}:{_ACCOUNT}:table/{table}"


@dataclass(frozen=True)
class DynamoRequest:
    """One permission a call needs: an action on a resource, for these partition key values."""

    action: str  # "dynamodb:GetItem"
    resource: str  # a table's or index's ARN
    leading_keys: tuple[str, ...]


@dataclass(frozen=True)
class Statement:
    effect: str  # Allow | Deny
    actions: tuple[str, ...]  # IAM action patterns, "*" and "?" wildcards
    resources: tuple[str, ...]
    leading_keys: tuple[str, ...] | None  # the condition's values; None: no condition
    leading_keys_wildcards: bool = True

    def matches(self, request: DynamoRequest) -> bool:
        if not any(_like(request.action, action, case=False) for action in self.actions):
            return False
        if not any(_like(request.resource, resource) for resource in self.resources):
            return False
        if self.leading_keys is None:
            return True
        # ForAllValues: every value the request carries matches one of the condition's values.
        return all(
            any(_like(key, pattern) if self.leading_keys_wildcards else key == pattern for pattern in self.leading_keys)
            for key in request.leading_keys
        )


@dataclass(frozen=True)
class FunctionPolicy:
    function_id: str
    statements: tuple[Statement, ...]
    # Table name -> its partition key's attribute: where a request's dynamodb:LeadingKeys are read.
    hash_keys: Mapping[str, str] = field(default_factory=dict)

    def allows(self, request: DynamoRequest) -> bool:
        """An explicit Deny wins; otherwise some Allow must match (IAM's default is deny)."""
        matching = [statement for statement in self.statements if statement.matches(request)]
        return bool(matching) and all(statement.effect == "Allow" for statement in matching)

    def denial(self, request: DynamoRequest) -> str:
        """DynamoDB's AccessDeniedException message for a refused request."""
        return (
            f"User: arn:aws:sts::{_ACCOUNT}:assumed-role/{self.function_id}Role/{self.function_id} is not "
            f"authorized to perform: {request.action} on resource: {request.resource} because no "
            f"identity-based policy allows the {request.action} action"
        )


def _like(value: str, pattern: str, case: bool = True) -> bool:
    # IAM's matching of actions, ARNs and StringLike: "*" any run, "?" one character, nothing else special.
    regex = "".join(".*" if char == "*" else "." if char == "?" else re.escape(char) for char in pattern)
    return re.fullmatch(regex, value, re.DOTALL | (0 if case else re.IGNORECASE)) is not None


# -- the template's policies ---------------------------------------------------------------------


def function_policies(template: Mapping[str, Any], resolve: Resolve) -> dict[str, FunctionPolicy]:
    """Every `AWS::Serverless::Function`'s policy, its intrinsics resolved by `resolve`."""
    hash_keys = {
        str(resolve({"Ref": logical_id}, f"{logical_id}")): key["AttributeName"]
        for logical_id, resource in (template.get("Resources") or {}).items()
        if resource.get("Type") == "AWS::DynamoDB::Table"
        for key in (resource.get("Properties") or {}).get("KeySchema") or []
        if key.get("KeyType") == "HASH"
    }
    # SAM's own expansion of its policy templates (DynamoDBCrudPolicy, ...), as `sam deploy` does it.
    from samtranslator.policy_template_processor.processor import PolicyTemplatesProcessor

    processor = PolicyTemplatesProcessor(PolicyTemplatesProcessor.get_default_policy_templates_json())
    policies = {}
    for function_id, resource in (template.get("Resources") or {}).items():
        if resource.get("Type") != "AWS::Serverless::Function":
            continue
        statements: list[Statement] = []
        for entry in (resource.get("Properties") or {}).get("Policies") or []:
            what = f"{function_id}.Policies"
            if isinstance(entry, Mapping) and "Statement" in entry:
                document = entry
            elif isinstance(entry, Mapping) and len(entry) == 1 and processor.has(next(iter(entry))):
                (name, parameters), = entry.items()
                document = processor.convert(name, parameters or {})
            else:
                raise TemplateError(f"{what}: {entry!r} is neither a statement list nor a SAM policy template")
            statements += [_statement(raw, resolve, what) for raw in _as_list(document["Statement"])]
        policies[function_id] = FunctionPolicy(function_id, tuple(statements), hash_keys)
    return policies


def _statement(raw: Mapping[str, Any], resolve: Resolve, what: str) -> Statement:
    unknown = set(raw) - {"Sid", "Effect", "Action", "Resource", "Condition"}
    if unknown:
        raise TemplateError(f"{what}: statement keys {sorted(unknown)} are not evaluated locally")
    leading_keys, wildcards = None, True
    for operator, conditions in (raw.get("Condition") or {}).items():
        if operator not in _CONDITION_OPERATORS or set(conditions) != {_LEADING_KEYS}:
            raise TemplateError(f"{what}: condition {operator} {sorted(conditions)} is not evaluated locally")
        leading_keys = tuple(str(resolve(value, what)) for value in _as_list(conditions[_LEADING_KEYS]))
        wildcards = _CONDITION_OPERATORS[operator]
    return Statement(
        effect=raw["Effect"],
        actions=tuple(_as_list(raw["Action"])),
        resources=tuple(str(resolve(resource, what)) for resource in _as_list(raw["Resource"])),
        leading_keys=leading_keys,
        leading_keys_wildcards=wildcards,
    )


def _as_list(value: Any) -> list[Any]:
    return list(value) if isinstance(value, (list, tuple)) else [value]


# -- what a DynamoDB call needs ------------------------------------------------------------------


def dynamodb_requests(operation: str, params: Mapping[str, Any], hash_keys: Mapping[str, str]) -> list[DynamoRequest]:
    """The permissions a DynamoDB API call needs. `hash_keys`: table name -> partition key name."""
    action = f"dynamodb:{operation}"
    if operation in ("GetItem", "PutItem", "UpdateItem", "DeleteItem"):
        table = params["TableName"]
        item = params.get("Key") or params.get("Item") or {}
        return [DynamoRequest(action, table_arn(table), _keys_of([item], table, hash_keys))]
    if operation in ("Query", "Scan"):
        table = params["TableName"]
        resource = table_arn(table) + (f"/index/{params['IndexName']}" if params.get("IndexName") else "")
        keys = _queried_key(params, hash_keys.get(table)) if operation == "Query" else ()
        return [DynamoRequest(action, resource, keys)]
    if operation == "BatchGetItem":
        return [
            DynamoRequest(action, table_arn(table), _keys_of(entry.get("Keys", []), table, hash_keys))
            for table, entry in params.get("RequestItems", {}).items()
        ]
    if operation == "BatchWriteItem":
        return [
            DynamoRequest(action, table_arn(table), _keys_of(
                [(w.get("PutRequest") or {}).get("Item") or (w.get("DeleteRequest") or {}).get("Key") or {} for w in writes],
                table, hash_keys,
            ))
            for table, writes in params.get("RequestItems", {}).items()
        ]
    if operation in ("TransactWriteItems", "TransactGetItems"):
        requests = []
        for entry in params.get("TransactItems", []):
            (kind, spec), = entry.items()
            item_action = "GetItem" if operation == "TransactGetItems" else _TRANSACT_ACTIONS[kind]
            table = spec["TableName"]
            requests.append(DynamoRequest(
                f"dynamodb:{item_action}", table_arn(table), _keys_of([spec.get("Key") or spec.get("Item") or {}], table, hash_keys)
            ))
        return requests
    table = params.get("TableName")
    return [DynamoRequest(action, table_arn(table) if table else "*", ())]


def _keys_of(items: Sequence[Mapping[str, Any]], table: str, hash_keys: Mapping[str, str]) -> tuple[str, ...]:
    name = hash_keys.get(table)
    values = []
    for item in items:
        attr = item.get(name) if name else None
        if isinstance(attr, Mapping) and attr:
            values.append(str(next(iter(attr.values()))))
    return tuple(dict.fromkeys(values))


def _queried_key(params: Mapping[str, Any], hash_key: str | None) -> tuple[str, ...]:
    # The partition key's equality in KeyConditionExpression ("pk = :pk", "#p = :v AND ...").
    names = params.get("ExpressionAttributeNames") or {}
    values = params.get("ExpressionAttributeValues") or {}
    for name, placeholder in re.findall(r"([#\w]+)\s*=\s*(:\w+)", params.get("KeyConditionExpression") or ""):
        if names.get(name, name) == hash_key and placeholder in values:
            return (str(next(iter(values[placeholder].values()))),)
    return ()


# -- enforcement on a client ----------------------------------------------------------------------

_acting: contextvars.ContextVar[FunctionPolicy | None] = contextvars.ContextVar("iam_acting_function", default=None)


@contextmanager
def acting_as(policy: FunctionPolicy, client: Any) -> Iterator[None]:
    """Run the block as the function whose policy this is: each call `client` makes in it (in
    this thread or in tasks it starts) is checked first. Outside such a block calls are the
    operator's or a test's own, and not checked."""
    # Registered once per client (botocore drops a second handler of the same unique_id); before
    # the request is built and before botocore's retries, with the parameters as the caller gave them.
    client.meta.events.register("before-parameter-build.dynamodb", _check, unique_id="tenantapi-local-iam")
    token = _acting.set(policy)
    try:
        yield
    finally:
        _acting.reset(token)


def _check(params: Mapping[str, Any], model: Any, **_: Any) -> None:
    policy = _acting.get()
    if policy is None:
        return
    for request in dynamodb_requests(model.name, params, policy.hash_keys):
        if not policy.allows(request):
            error = {"Code": "AccessDeniedException", "Message": policy.denial(request)}
            raise ClientError({"Error": error, "ResponseMetadata": {"HTTPStatusCode": 400}}, model.name)
