"""Field types of docs/api.md §5 and the sub-fields of the composite ones."""

from __future__ import annotations

from enum import Enum

__all__ = [
    "FieldType",
    "COMPOSITE_SUBFIELDS",
    "ACTOR_SOURCES",
    "RATING_VALUES",
    "RelationType",
    "OnDelete",
]


class FieldType(str, Enum):
    TEXT = "TEXT"
    NUMBER = "NUMBER"
    NUMERIC = "NUMERIC"
    BOOLEAN = "BOOLEAN"
    DATE = "DATE"
    DATE_TIME = "DATE_TIME"
    UUID = "UUID"
    RATING = "RATING"
    SELECT = "SELECT"
    MULTI_SELECT = "MULTI_SELECT"
    ARRAY = "ARRAY"
    RAW_JSON = "RAW_JSON"
    POSITION = "POSITION"
    RELATION = "RELATION"
    FULL_NAME = "FULL_NAME"
    EMAILS = "EMAILS"
    PHONES = "PHONES"
    LINKS = "LINKS"
    CURRENCY = "CURRENCY"
    ADDRESS = "ADDRESS"
    ACTOR = "ACTOR"
    RICH_TEXT = "RICH_TEXT"

    @property
    def is_composite(self) -> bool:
        return self in COMPOSITE_SUBFIELDS


class RelationType(str, Enum):
    MANY_TO_ONE = "MANY_TO_ONE"
    ONE_TO_MANY = "ONE_TO_MANY"


class OnDelete(str, Enum):
    CASCADE = "CASCADE"
    RESTRICT = "RESTRICT"
    SET_NULL = "SET_NULL"
    NO_ACTION = "NO_ACTION"


# Sub-field name -> the scalar type it behaves as (for coercion, filters and ordering).
# RAW_JSON sub-fields hold lists (additionalEmails, secondaryLinks, additionalPhones, context).
COMPOSITE_SUBFIELDS: dict[FieldType, dict[str, FieldType]] = {
    FieldType.FULL_NAME: {"firstName": FieldType.TEXT, "lastName": FieldType.TEXT},
    FieldType.EMAILS: {"primaryEmail": FieldType.TEXT, "additionalEmails": FieldType.RAW_JSON},
    FieldType.PHONES: {
        "primaryPhoneNumber": FieldType.TEXT,
        "primaryPhoneCountryCode": FieldType.TEXT,
        "primaryPhoneCallingCode": FieldType.TEXT,
        "additionalPhones": FieldType.RAW_JSON,
    },
    FieldType.LINKS: {
        "primaryLinkUrl": FieldType.TEXT,
        "primaryLinkLabel": FieldType.TEXT,
        "secondaryLinks": FieldType.RAW_JSON,
    },
    FieldType.CURRENCY: {"amountMicros": FieldType.NUMERIC, "currencyCode": FieldType.TEXT},
    FieldType.ADDRESS: {
        "addressStreet1": FieldType.TEXT,
        "addressStreet2": FieldType.TEXT,
        "addressCity": FieldType.TEXT,
        "addressPostcode": FieldType.TEXT,
        "addressState": FieldType.TEXT,
        "addressCountry": FieldType.TEXT,
        "addressLat": FieldType.NUMBER,
        "addressLng": FieldType.NUMBER,
    },
    FieldType.ACTOR: {
        "source": FieldType.SELECT,
        "workspaceMemberId": FieldType.UUID,
        "name": FieldType.TEXT,
        "context": FieldType.RAW_JSON,
    },
    FieldType.RICH_TEXT: {"blocknote": FieldType.TEXT, "markdown": FieldType.TEXT},
}

# Twenty's actor sources (actor.composite-type); newer versions add more, accepted as well.
ACTOR_SOURCES = (
    "EMAIL", "CALENDAR", "WORKFLOW", "AGENT", "API", "IMPORT", "MANUAL", "SYSTEM", "WEBHOOK", "APPLICATION",
)

RATING_VALUES = ("RATING_1", "RATING_2", "RATING_3", "RATING_4", "RATING_5")
