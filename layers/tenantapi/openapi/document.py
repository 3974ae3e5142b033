"""What the core and metadata OpenAPI documents share: the base document, the error responses,
the pagination parameters and the envelopes (docs/api.md §1.3, §3 and §4).

Documents are built without a server URL and cached per schema version; `with_server` binds one
to the URL a request came in on, copying only the few top-level entries that hold it.
"""

from __future__ import annotations

from typing import Any, Literal

from .field_schemas import JsonSchema

__all__ = [
    "DocumentKind",
    "OPENAPI_VERSION",
    "base_document",
    "with_server",
    "error_responses",
    "error_refs",
    "json_content",
    "envelope",
    "page_info_schema",
    "pagination_parameters",
    "ID_PATH",
]

DocumentKind = Literal["core", "metadata"]

# Twenty serves OpenAPI 3.1.1 documents with API version "v0.1" (base-schema.utils.ts).
OPENAPI_VERSION = "3.1.1"
API_VERSION = "v0.1"

ID_PATH: JsonSchema = {
    "name": "id",
    "in": "path",
    "description": "Object id.",
    "required": True,
    "schema": {"type": "string", "format": "uuid"},
}

_TITLES: dict[DocumentKind, str] = {"core": "Core API", "metadata": "Metadata API"}

_AUTHENTICATION = """## Authentication

Send an API key as a Bearer token with each request:

```http
Authorization: Bearer <key>
```

A key in the query string is refused. A missing key is answered with 403, an unknown, revoked
or expired one with 401.

"""

_CORE_DESCRIPTION = _AUTHENTICATION + """## Filters

`filter=field[COMPARATOR]:value`, several conditions separated by commas (AND). Composite
sub-fields: `name.firstName[eq]:John`. Comparators: `eq`, `neq`, `in`, `containsAny`, `is`, `gt`,
`gte`, `lt`, `lte`, `startsWith`, `endsWith`, `like`, `ilike` (`%` is the wildcard). Conjunctions:
`and(...)`, `or(...)`, `not(...)` (one condition). Nulls: `field[is]:NULL`, `field[is]:NOT_NULL`.
Strings and dates are quoted, numbers and booleans are not:

```text
filter=createdAt[gte]:"2024-01-01"
filter=or(stage[eq]:NEW,amount.amountMicros[gt]:1000000)
filter=id[in]:["<id-1>","<id-2>"]
```

Soft-deleted records are left out unless the filter names `deletedAt`.

## Ordering and pagination

`order_by=field1,field2[DescNullsLast]` with the directions `AscNullsFirst` (default),
`AscNullsLast`, `DescNullsFirst`, `DescNullsLast`. Lists are paged by cursor: `limit` (default 60,
at most 200), then `starting_after=<pageInfo.endCursor>` for the next page or
`ending_before=<pageInfo.startCursor>` for the previous one. `totalCount` counts every record the
filter matches.

## Relations, projection, writes

`depth=1` embeds the record of each many-to-one relation and the first 60 records of each
one-to-many relation; `depth=0` (default) gives the join columns (`companyId`) only.
`fields=id,name,company` returns only the fields listed (`id` always). A batch create takes 1 to 60
records and is all-or-nothing; bulk updates, deletes and restores need a `filter` and touch at
most 60 records. `DELETE` destroys a record unless `soft_delete=true` is given.
"""

_METADATA_DESCRIPTION = _AUTHENTICATION + """## Data model

`/objects` and `/fields` list, read, create, update and delete the workspace's objects and
fields. Lists are paged with `limit` (default and maximum 1000), `starting_after` and
`ending_before`; the cursors are item ids. A change is served by the very next request of the
core API. Writes need the role's DATA_MODEL permission.
"""


def json_content(schema: JsonSchema) -> dict[str, Any]:
    return {"application/json": {"schema": schema}}


def _error_body(status: int, error: str, message: str, extra: dict[str, JsonSchema] | None = None) -> JsonSchema:
    """The contract's error body (docs/api.md §4.1), with an example of the status."""
    properties: dict[str, JsonSchema] = {
        "statusCode": {"type": "integer"},
        "error": {"type": "string"},
        "messages": {"type": "array", "items": {"type": "string"}},
    }
    example: dict[str, Any] = {"statusCode": status, "error": error, "messages": [message]}
    if extra:
        properties.update(extra)
    return {"type": "object", "properties": properties, "required": ["statusCode", "error", "messages"], "examples": [example]}


def error_responses() -> dict[str, Any]:
    """components.responses: every error status a REST route answers with."""
    rate_header = {"schema": {"type": "integer"}}
    return {
        "400": {
            "description": "Bad request: an invalid parameter, body or value (the message names it)",
            "content": json_content(_error_body(400, "BadRequestException", "limit 'x' is invalid. Should be an integer")),
        },
        "401": {
            "description": "The key is unknown, revoked or expired",
            "content": json_content(_error_body(401, "UNAUTHENTICATED", "Token invalid.")),
        },
        "403": {
            "description": "No key was sent, or the key's role lacks the permission",
            "content": json_content(_error_body(403, "FORBIDDEN_EXCEPTION", "Missing authentication token")),
        },
        "404": {
            "description": "No such record (or item) in this workspace",
            "content": json_content(_error_body(404, "NotFoundException", "Record not found")),
        },
        "409": {
            "description": "The data model was changed by another request at the same time; retry",
            "content": json_content(_error_body(409, "ConflictException", "The data model was changed by another request; retry")),
        },
        "412": {
            "description": "If-Match names no current ETag of the record: it changed since it was read; nothing was written",
            "content": json_content(_error_body(
                412, "PreconditionFailedException",
                "The record has changed since the ETag given in If-Match was read; nothing was written. Read it again",
            )),
        },
        "429": {
            "description": "The workspace's rate limit is reached",
            "headers": {
                "Retry-After": rate_header,
                "X-RateLimit-Limit": rate_header,
                "X-RateLimit-Remaining": rate_header,
                "X-RateLimit-Reset": rate_header,
            },
            "content": json_content(
                _error_body(
                    429, "RATE_LIMITED", "Limit reached (100 tokens per 60000 ms)",
                    {"limit": {"type": "integer"}, "remaining": {"type": "integer"}, "retryAfterSeconds": {"type": "integer"}},
                )
            ),
        },
    }


def error_refs(*statuses: str) -> dict[str, Any]:
    return {status: {"$ref": f"#/components/responses/{status}"} for status in statuses}


def page_info_schema() -> JsonSchema:
    # Cursors are opaque strings (core) or item ids (metadata); null on an empty page.
    cursor = {"type": ["string", "null"]}
    return {
        "type": "object",
        "properties": {
            "hasNextPage": {"type": "boolean"},
            "hasPreviousPage": {"type": "boolean"},
            "startCursor": cursor,
            "endCursor": cursor,
        },
        "required": ["hasNextPage", "hasPreviousPage", "startCursor", "endCursor"],
    }


def envelope(key: str, value: JsonSchema, *, description: str = "Successful operation", listing: bool = False) -> dict[str, Any]:
    """A success response `{"data": {key: value}}`; a listing adds `totalCount` and `pageInfo`."""
    properties: dict[str, JsonSchema] = {
        "data": {"type": "object", "properties": {key: value}, "required": [key]},
    }
    required = ["data"]
    if listing:
        properties["totalCount"] = {"type": "integer", "minimum": 0}
        properties["pageInfo"] = page_info_schema()
        required += ["totalCount", "pageInfo"]
    return {
        "description": description,
        "content": json_content({"type": "object", "properties": properties, "required": required}),
    }


def pagination_parameters(*, default_limit: int, max_limit: int, cursor_format: str | None) -> dict[str, Any]:
    """limit, starting_after and ending_before as components.parameters."""
    cursor: JsonSchema = {"type": "string"}
    if cursor_format:
        cursor["format"] = cursor_format
    return {
        "limit": {
            "name": "limit",
            "in": "query",
            "description": f"Page size: {default_limit} when absent; values above {max_limit} are read as {max_limit}.",
            "required": False,
            "schema": {"type": "integer", "minimum": 0, "maximum": max_limit, "default": default_limit},
        },
        "startingAfter": {
            "name": "starting_after",
            "in": "query",
            "description": "Returns the page after this cursor (`pageInfo.endCursor` of a previous page). Not with `ending_before`.",
            "required": False,
            "schema": cursor,
        },
        "endingBefore": {
            "name": "ending_before",
            "in": "query",
            "description": "Returns the page before this cursor (`pageInfo.startCursor` of a previous page). Not with `starting_after`.",
            "required": False,
            "schema": dict(cursor),
        },
    }


def _open_api_path(kind: DocumentKind) -> dict[str, Any]:
    return {
        "get": {
            "tags": ["General"],
            "summary": "Get the OpenAPI document",
            "description": "Without a key, the base document; with a valid key, the workspace's full document.",
            "operationId": "GetOpenApiSchema",
            # The key is optional here: `{}` is "no security requirement".
            "security": [{}, {"bearerAuth": []}],
            "responses": {
                "200": {"description": "The OpenAPI document", "content": json_content({"type": "object"})},
                **error_refs("401"),
            },
        }
    }


def base_document(kind: DocumentKind) -> dict[str, Any]:
    """The document served without a key, as Twenty does: info, the bearer security scheme and
    the one path of the document itself. `servers` is filled in by `with_server`."""
    return {
        "openapi": OPENAPI_VERSION,
        "info": {
            "title": _TITLES[kind],
            "description": _CORE_DESCRIPTION if kind == "core" else _METADATA_DESCRIPTION,
            "version": API_VERSION,
        },
        "servers": [],
        "security": [{"bearerAuth": []}],
        "tags": [{"name": "General", "description": "The API's own documents"}],
        "paths": {f"/open-api/{kind}": _open_api_path(kind)},
        "components": {
            "securitySchemes": {
                "bearerAuth": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "An API key of the workspace: `Authorization: Bearer <key>`.",
                },
            },
            "responses": error_responses(),
        },
    }


def with_server(document: dict[str, Any], kind: DocumentKind, server_url: str) -> dict[str, Any]:
    """The document bound to a server: `servers` (`<url>/rest/` for core, `<url>/rest/metadata`
    for metadata, as Twenty) and the document's own path, served at `<url>/rest/open-api/<kind>`.

    Only the top level and `paths` are copied: the rest is shared with the cached document and
    must not be mutated.
    """
    root = server_url.rstrip("/")
    api_url = f"{root}/rest/" if kind == "core" else f"{root}/rest/metadata"
    own_path = f"/open-api/{kind}"
    paths = dict(document["paths"])
    item = paths[own_path]
    paths[own_path] = {**item, "get": {**item["get"], "servers": [{"url": f"{root}/rest"}]}}
    return {**document, "servers": [{"url": api_url}], "paths": paths}
