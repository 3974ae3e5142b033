"""The base of the metadata table's models: the table named by the settings at each use, and
the process's one botocore client.

A plain pynamodb model freezes `Meta.table_name` at import and its Connection creates a botocore
client of its own. Here the name is read from the settings on every call (tests and the local
runner switch tables at run time; pynamodb builds a new TableConnection whenever the name differs
from its cached one's), and every call goes through `storage.dynamo.client()`, looked up at each
call, so it is metered (capacity.py), its reads are decoded by wire.py, it has the standard retry
mode, and `reset_client()` (tests switching between moto and DynamoDB Local) is followed.
"""

from __future__ import annotations

from typing import Any, NoReturn

from pynamodb.attributes import UnicodeAttribute
from pynamodb.connection import Connection, TableConnection
from pynamodb.exceptions import DeleteError, PutError, PynamoDBException, TransactWriteError, UpdateError
from pynamodb.expressions.condition import Condition
from pynamodb.expressions.update import Action
from pynamodb.models import Model
from pynamodb.transactions import TransactWrite

from ...config import settings
from .. import dynamo

__all__ = [
    "MetadataItem",
    "SharedClientConnection",
    "transaction",
    "save",
    "update",
    "reraise",
    "cancelled_by_condition",
    # what the models' writes raise (each keeps botocore's ClientError as its `cause`)
    "DeleteError",
    "PutError",
    "TransactWriteError",
    "UpdateError",
]


class SharedClientConnection(Connection):
    """pynamodb's Connection over the process's client (its `client` property would make one)."""

    @property
    def client(self) -> Any:
        return dynamo.client()


class _MetadataTable(type):
    @property
    def table_name(cls) -> str:
        return settings().metadata_table


class MetadataItem(Model):
    """An item of the metadata table: `pk` and `sk` strings (template.yaml)."""

    class Meta(metaclass=_MetadataTable):
        # Rounds of a batch write's unprocessed items before it fails (BatchWriteItem may leave
        # some under load); each call is also retried by the client's standard retry mode.
        max_retry_attempts = 8

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)

    @classmethod
    def _get_connection(cls) -> TableConnection:
        # pynamodb's one place where a model gets its connection (cached per class, rebuilt when
        # the table name changes): the rebuilt one is handed the shared client, with the key
        # schema pynamodb derived from the model.
        table = super()._get_connection()
        if not isinstance(table.connection, SharedClientConnection):
            shared = SharedClientConnection()
            shared.add_meta_table(table.get_meta_table())
            table.connection = shared
        return table


def transaction() -> TransactWrite:
    """One TransactWriteItems over the shared client. pynamodb sends its actions grouped by
    kind, in this order: condition checks, deletes, puts, updates (each group in call order)."""
    return TransactWrite(connection=SharedClientConnection())


def save(item: MetadataItem, condition: Condition | None = None) -> None:
    """One PutItem of `item`, failures raised as botocore raised them (reraise)."""
    try:
        item.save(condition=condition)
    except PutError as error:
        reraise(error)


def update(item: MetadataItem, actions: list[Action], condition: Condition | None = None) -> None:
    """One UpdateItem of `item` (its key), failures raised as botocore raised them (reraise)."""
    try:
        item.update(actions=actions, condition=condition)
    except UpdateError as error:
        reraise(error)


def reraise(error: PynamoDBException) -> NoReturn:
    """Raise what botocore raised: callers of the adapters handle `ClientError` (its code, its
    message), which pynamodb keeps as the cause of its own exception."""
    if error.cause is not None:
        raise error.cause from None
    raise error


def cancelled_by_condition(error: TransactWriteError, index: int) -> bool:
    """Was the transaction cancelled because the condition of its action at `index` failed?"""
    reasons = error.cancellation_reasons
    reason = reasons[index] if -len(reasons) <= index < len(reasons) else None
    return reason is not None and reason.code == "ConditionalCheckFailed"
