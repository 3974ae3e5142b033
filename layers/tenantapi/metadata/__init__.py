"""Workspace data models: objects, fields, their rules, and the standard objects."""
