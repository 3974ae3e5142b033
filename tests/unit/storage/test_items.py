"""The metadata table's models (storage/items/) write the very items the raw adapters wrote and
still read: same keys, attribute names and types; no I/O."""

from __future__ import annotations

import re
from typing import Any

from pynamodb.transactions import TransactWrite

from tenantapi.storage.items.key import KeyItem
from tenantapi.storage.items.role import RoleItem
from tenantapi.storage.items.usage_key import UsageKeyItem
from tenantapi.storage.items.workspace import DefinitionItem, HeadItem, NameItem, bump_schema_version


class _Recorder:
    """A pynamodb connection that keeps what a transaction would send."""

    def transact_write_items(self, **kwargs: Any) -> dict[str, Any]:
        self.sent = kwargs
        return {}


def _resolved(expression: str, request: dict[str, Any]) -> str:
    names, values = request.get("ExpressionAttributeNames", {}), request.get("ExpressionAttributeValues", {})
    expression = re.sub(r"#\w+", lambda m: names[m.group(0)], expression)
    return re.sub(r":\w+", lambda m: str(values[m.group(0)]), expression)


def test_the_head_is_written_with_the_attribute_names_the_request_path_reads():
    head = HeadItem("W#ws", "#HEAD", id="ws", name="acme", schema_version=3, created_at="2026-01-01T00:00:00.000Z",
                    secret="s", usage_key="u")
    assert head.serialize() == {
        "pk": {"S": "W#ws"}, "sk": {"S": "#HEAD"}, "id": {"S": "ws"}, "name": {"S": "acme"},
        "schemaVersion": {"N": "3"}, "createdAt": {"S": "2026-01-01T00:00:00.000Z"}, "secret": {"S": "s"},
        "usageKey": {"S": "u"},
    }  # fmt: skip


def test_a_key_item_leaves_unset_attributes_absent_and_keeps_an_empty_usage_key():
    item = KeyItem("WK#ws", "K#k", id="k", workspace_id="ws", name="n", role="Admin", created_at="c", usage_key="",
                   digest="d")
    assert item.serialize() == {
        "pk": {"S": "WK#ws"}, "sk": {"S": "K#k"}, "id": {"S": "k"}, "workspaceId": {"S": "ws"}, "name": {"S": "n"},
        "role": {"S": "Admin"}, "createdAt": {"S": "c"}, "usageKey": {"S": ""}, "hash": {"S": "d"},
    }  # fmt: skip


def test_the_other_items_keep_their_keys_and_attribute_names():
    assert NameItem("N#acme", "#NAME", workspace_id="ws").serialize()["workspaceId"] == {"S": "ws"}
    assert DefinitionItem("W#ws", "S#O#o", doc="{}").serialize()["doc"] == {"S": "{}"}
    role = RoleItem.of("ws", "r", doc="{}", key_stamp="k").serialize()
    assert role == {"pk": {"S": "W#ws"}, "sk": {"S": "R#r"}, "doc": {"S": "{}"}, "keyStamp": {"S": "k"}}
    usage = UsageKeyItem.of("u")
    usage.api_key_id = "a1"
    assert usage.serialize() == {"pk": {"S": "UK#u"}, "sk": {"S": "#USAGEKEY"}, "apiKeyId": {"S": "a1"}}


def test_a_version_bump_moves_the_head_on_only_from_the_expected_version():
    recorder = _Recorder()
    with TransactWrite(connection=recorder) as write:  # type: ignore[arg-type]
        bump_schema_version(write, "ws", 3)
    (update,) = recorder.sent["update_items"]
    assert update["Key"] == {"pk": {"S": "W#ws"}, "sk": {"S": "#HEAD"}}
    assert _resolved(update["UpdateExpression"], update) == "SET schemaVersion = {'N': '4'}"
    assert _resolved(update["ConditionExpression"], update) == "schemaVersion = {'N': '3'}"
