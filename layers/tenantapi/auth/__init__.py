"""API keys, the authorizer's decision, and roles."""
