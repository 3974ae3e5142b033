"""The metadata table's items of a fixed shape, as pynamodb models: one module per kind.

Imported by the adapters' write paths and by reads off the request path only: pynamodb's
import (about 20 ms after boto3) stays out of the authorizer's and the core function's cold
start (README, Runtime dependencies). The hot reads (a key by hash, the head, the schema, the
roles, the rate-limit take) stay on the raw client.
"""
