"""DynamoDB adapters: the only modules that talk to the tables."""
