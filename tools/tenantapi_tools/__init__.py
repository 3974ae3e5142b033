"""What runs beside AWS and never on Lambda: the operator's CLI (`tenantapi`, cli.py) and the
local twin of the AWS stack (local/: DynamoDB Local, the API Gateway emulation, the Lambda
runtime emulation) that `make run` and the tests start. The Lambda layer (layers/) ships none of it.
"""
