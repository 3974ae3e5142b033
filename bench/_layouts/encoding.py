"""The slot encodings the engine stores (tenantapi.storage.sort_keys), measured as they are."""

from tenantapi.storage.sort_keys import (  # noqa: F401 - re-exported for the layouts
    MAX_SORT_KEY_BYTES,
    MAX_VALUE_BYTES,
    SEPARATOR,
    encode_bool,
    encode_date,
    encode_date_time,
    encode_number,
    encode_text,
    slot_value,
    value_prefix,
)
