"""tenantapi: a Twenty-compatible, schema-per-tenant API engine.

Pure parts (metadata rules, value coercion, serialization, query model) take data and return
data; DynamoDB and HTTP live in `storage/`, `api/` and `auth/` adapters.
"""
