"""Prototypes of the record layouts compared by bench/storage_layouts.py (docs/storage.md)."""
