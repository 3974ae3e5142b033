"""Names of objects and fields: Twenty's naming rules (docs/api.md §7.3).

A name (`nameSingular`, `namePlural`, a field's `name`) becomes part of the public API: routes,
GraphQL types and record keys. The rules, checked in Twenty's order:

1. at least 1 and at most 63 characters (Postgres' identifier limit, kept for compatibility);
2. equal to lodash `camelCase` of itself (rejects `TestName`, `name with spaces`, `123string`);
3. `^[a-z][a-zA-Z0-9]*$`;
4. not one of Twenty's reserved keywords.

Each message names the input key and the rule it broke.
"""

from __future__ import annotations

import re
import unicodedata

from ..errors import BadRequest

__all__ = [
    "NAME_MAX_LENGTH",
    "RESERVED_NAMES",
    "camel_case",
    "name_from_label",
    "validate_name",
]

# Twenty's IDENTIFIER_MAX_CHAR_LENGTH (the Postgres identifier limit).
NAME_MAX_LENGTH = 63

_NAME_PATTERN = re.compile(r"^[a-z][a-zA-Z0-9]*$")

# Twenty's RESERVED_METADATA_NAME_KEYWORDS (twenty-shared, reserved-metadata-name-keywords.constant),
# verbatim: the names of its core objects in both forms, then words its schemas use. Only the
# forms Twenty lists are reserved (`fullNames` is, `fullName` is not).
RESERVED_NAMES: frozenset[str] = frozenset(
    {
        "approvedAccessDomain", "approvedAccessDomains",
        "appToken", "appTokens",
        "billingCustomer", "billingCustomers",
        "billingEntitlement", "billingEntitlements",
        "billingMeter", "billingMeters",
        "billingProduct", "billingProducts",
        "billingSubscription", "billingSubscriptions",
        "billingSubscriptionItem", "billingSubscriptionItems",
        "featureFlag", "featureFlags",
        "job", "jobs",
        "keyValuePair", "keyValuePairs",
        "pageLayout", "pageLayouts",
        "pageLayoutTab", "pageLayoutTabs",
        "pageLayoutWidget", "pageLayoutWidgets",
        "postgresCredential", "postgresCredentials",
        "twoFactorMethod", "twoFactorMethods",
        "user", "users",
        "userWorkspace", "userWorkspaces",
        "workspace", "workspaces",
        "role", "roles",
        "userWorkspaceRole", "userWorkspaceRoles",
        "plan", "plans",
        "event", "events",
        "field", "fields",
        "link", "links",
        "currency", "currencies",
        "fullNames",
        "address", "addresses",
        "type", "types",
        "object", "objects",
        "index",
        "relation", "relations",
        "aggregate",
    }
)

# Messages, one per rule; `{key}` is the input key (nameSingular, namePlural, name, ...).
_TOO_SHORT = "{key} is too short: a name needs at least 1 character"
_TOO_LONG = '{key} "{name}" is too long: a name has at most {limit} characters'
_NOT_CAMEL_CASE = '{key} "{name}" should be in camelCase (for example "{suggestion}")'
_NOT_VALID = (
    '{key} "{name}" is not valid: it must start with a lowercase letter and contain only '
    "alphanumeric letters"
)
_RESERVED = '{key} "{name}" is reserved. Use a different name or the system will add "Custom" suffix.'


def validate_name(name: str, *, key: str) -> str:
    """Return `name` when it follows every naming rule; raise BadRequest naming `key` otherwise."""
    if len(name) < 1:
        raise BadRequest(_TOO_SHORT.format(key=key))
    if len(name) > NAME_MAX_LENGTH:
        raise BadRequest(_TOO_LONG.format(key=key, name=name, limit=NAME_MAX_LENGTH))
    suggestion = camel_case(name)
    if suggestion != name:
        raise BadRequest(_NOT_CAMEL_CASE.format(key=key, name=name, suggestion=suggestion or "myName"))
    if not _NAME_PATTERN.match(name):
        raise BadRequest(_NOT_VALID.format(key=key, name=name))
    if name in RESERVED_NAMES:
        raise BadRequest(_RESERVED.format(key=key, name=name))
    return name


def name_from_label(label: str) -> str:
    """The name Twenty derives from a label (`computeMetadataNameFromLabel`): camelCase of the
    label, `n` in front of a leading digit, and the "Custom" suffix on a reserved word."""
    text = label.strip()
    if text[:1].isdigit():
        text = "n" + text
    name = camel_case(text)
    return f"{name}Custom" if name in RESERVED_NAMES else name


# -- lodash camelCase -------------------------------------------------------------------------
# Twenty checks names against lodash's `camelCase`, so this follows lodash's word splitting:
# deburr, drop apostrophes, split into words, lower-case every word and capitalise all but the
# first. Two word splitters, as in lodash: a plain one for simple ASCII text and a finer one
# (case changes, digits, ordinals) when the text has mixed case, digits next to letters or
# punctuation. Letters outside ASCII that survive deburring count as lowercase "misc" letters.

_HAS_FINE_WORDS = re.compile(r"[a-z][A-Z]|[A-Z]{2}[a-z]|[0-9][a-zA-Z]|[a-zA-Z][0-9]|[^a-zA-Z0-9 ]")
_PLAIN_WORD = re.compile(r"[^\x00-\x2f\x3a-\x40\x5b-\x60\x7b-\x7f]+")
_BREAK = r"[\x00-\x2f\x3a-\x40\x5b-\x60\x7b-\x7f\s]"
_MISC = r"[^\x00-\x7f\s]"
_FINE_WORD = re.compile(
    "|".join(
        (
            rf"[A-Z]?[a-z]+(?={_BREAK}|[A-Z]|$)",
            rf"(?:[A-Z]|{_MISC})+(?={_BREAK}|[A-Z](?:[a-z]|{_MISC})|$)",
            rf"[A-Z]?(?:[a-z]|{_MISC})+",
            r"[A-Z]+",
            r"\d*(?:1ST|2ND|3RD|(?![123])\dTH)(?=\b|[a-z_])",
            r"\d*(?:1st|2nd|3rd|(?![123])\dth)(?=\b|[A-Z_])",
            r"\d+",
        )
    )
)


def _deburr(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def _words(text: str) -> list[str]:
    if _HAS_FINE_WORDS.search(text):
        return _FINE_WORD.findall(text)
    return _PLAIN_WORD.findall(text)


def camel_case(text: str) -> str:
    """lodash `camelCase`: `"Point of contact"` -> `pointOfContact`, `"aBC"` -> `aBc`."""
    words = _words(re.sub(r"['\u2019]", "", _deburr(text)))
    return "".join(
        word.lower() if index == 0 else word[:1].upper() + word[1:].lower() for index, word in enumerate(words)
    )
