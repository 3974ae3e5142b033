"""The local stack: DynamoDB Local, tables from template.yaml, and an API Gateway emulation.

Nothing here is imported by the Lambda functions.
"""
