"""Copies of template.yaml with a setting changed, for tests of what the local stack reads from it."""

from __future__ import annotations

import re
from pathlib import Path

from tenantapi_tools.local.template import DEFAULT_TEMPLATE

REPOSITORY = DEFAULT_TEMPLATE.parent


def template_copy(directory: Path, *replacements: tuple[str, str]) -> Path:
    """template.yaml with each (pattern, replacement) applied once, written to `directory`; the
    functions' code stays where it is (CodeUri made absolute)."""
    text = DEFAULT_TEMPLATE.read_text(encoding="utf-8").replace("CodeUri: functions/", f"CodeUri: {REPOSITORY}/functions/")
    for pattern, replacement in replacements:
        text, count = re.subn(pattern, replacement, text, count=1)
        assert count == 1, f"{pattern!r} is not in template.yaml"
    path = directory / "template.yaml"
    path.write_text(text, encoding="utf-8")
    return path
