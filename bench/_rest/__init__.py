"""Parts of bench/rest.py: data, DynamoDB call counting, storage operations, in-process timing."""
