"""The query model shared by REST and GraphQL: parsing, planning, evaluation."""
