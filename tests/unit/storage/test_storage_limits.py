"""DynamoDB's size refusals mapped by error code and cancellation reason code, never by message."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from tenantapi.storage.record_store import storage_limit_of


def _error(code: str, reasons: list[str] | None = None, message: str = "whatever the text") -> ClientError:
    response: dict[str, Any] = {"Error": {"Code": code, "Message": message}}
    if reasons is not None:
        response["CancellationReasons"] = [{"Code": reason} for reason in reasons]
    return ClientError(response, "TransactWriteItems")  # type: ignore[arg-type]


@pytest.mark.parametrize("message", ["Item size has exceeded the maximum allowed size", "no mention of it at all"])
def test_a_cancellation_for_a_validation_error_names_the_item_limit_whatever_the_message(message):
    limit = storage_limit_of(_error("TransactionCanceledException", ["None", "ValidationError", "None"], message))
    assert limit is not None and "400 KB" in str(limit)


def test_a_cancellation_for_the_item_collection_names_the_10_gb_limit():
    limit = storage_limit_of(_error("TransactionCanceledException", ["ItemCollectionSizeLimitExceeded"]))
    assert limit is not None and "10 GB" in str(limit)
    limit = storage_limit_of(_error("ItemCollectionSizeLimitExceededException"))
    assert limit is not None and "10 GB" in str(limit)


@pytest.mark.parametrize("reasons", [["ConditionalCheckFailed", "None"], ["TransactionConflict"], ["ThrottlingError"]])
def test_a_cancellation_for_another_reason_is_no_size_limit(reasons):
    assert storage_limit_of(_error("TransactionCanceledException", reasons, "size size size")) is None


def test_other_errors_are_no_size_limit_even_when_their_message_speaks_of_size():
    assert storage_limit_of(_error("ProvisionedThroughputExceededException", message="size")) is None
    assert storage_limit_of(_error("InternalServerError", message="Item size has exceeded")) is None
