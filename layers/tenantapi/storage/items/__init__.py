"""The metadata table's items of a fixed shape, as pynamodb models: one module per kind.

Imported by the adapters' write paths only, on first use: pynamodb's import (20 to 40 ms after
boto3) stays out of the authorizer's cold start and the API functions' reads (README, Runtime
dependencies). The hot reads (a key by hash, the head, the schema, the roles) and the rate-limit
take stay on the raw client.
"""
