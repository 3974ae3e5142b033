"""The generated part of a document: each bench owns the text between its two markers
(`<!-- name:start -->` and `<!-- name:end -->`) in a file under docs/ and rewrites it there."""

from __future__ import annotations

import re
from pathlib import Path

__all__ = ["replace_section"]


def replace_section(path: Path, start: str, end: str, figures: str) -> None:
    text = path.read_text(encoding="utf-8")
    pattern = re.compile(re.escape(start) + r".*?" + re.escape(end), re.S)
    if len(pattern.findall(text)) != 1:
        raise SystemExit(f"{path} needs exactly one {start} ... {end} section")
    body = figures if figures.endswith("\n") else figures + "\n"
    path.write_text(pattern.sub(lambda _: f"{start}\n{body}{end}", text), encoding="utf-8")
