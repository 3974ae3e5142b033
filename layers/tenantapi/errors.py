"""The API's errors, one class per family, each carrying the contract's status and name.

Every error body is `{"statusCode": n, "error": "<Name>", "messages": ["..."]}` (docs/api.md §4.1).
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "ApiError",
    "BadRequest",
    "NotFound",
    "Forbidden",
    "Conflict",
    "PreconditionFailed",
    "Unauthenticated",
    "MissingToken",
]


class ApiError(Exception):
    status_code = 400
    error = "BadRequestException"
    graphql_code = "BAD_USER_INPUT"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def body(self) -> dict[str, Any]:
        return {"statusCode": self.status_code, "error": self.error, "messages": [self.message]}


class BadRequest(ApiError):
    pass


class NotFound(ApiError):
    status_code = 404
    error = "NotFoundException"
    graphql_code = "NOT_FOUND"


class Conflict(ApiError):
    status_code = 409
    error = "ConflictException"
    graphql_code = "CONFLICT"


class PreconditionFailed(ApiError):
    """An `If-Match` that no longer names the record's ETag (docs/api.md §3.9): nothing written."""

    status_code = 412
    error = "PreconditionFailedException"
    graphql_code = "CONFLICT"

    def __init__(
        self, message: str = "The record has changed since the ETag given in If-Match was read; nothing was written. Read it again"
    ) -> None:
        super().__init__(message)


class Forbidden(ApiError):
    """A role lacks a permission (docs/api.md §2.3)."""

    status_code = 403
    error = "FORBIDDEN"
    graphql_code = "FORBIDDEN"


class MissingToken(ApiError):
    status_code = 403
    error = "FORBIDDEN_EXCEPTION"
    graphql_code = "FORBIDDEN"

    def __init__(self, message: str = "Missing authentication token") -> None:
        super().__init__(message)


class Unauthenticated(ApiError):
    status_code = 401
    error = "UNAUTHENTICATED"
    graphql_code = "UNAUTHENTICATED"

    def __init__(self, message: str = "Token invalid.") -> None:
        super().__init__(message)
