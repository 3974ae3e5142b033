"""Records of a workspace's objects: value rules, serialization and the record service."""
