"""The playground's browser assets: a fixed set of files in one folder, read once per process.

The folder is built from npm packages (playground/package-lock.json) by playground/Makefile: on
Lambda it is the PlaygroundLayer, extracted under /opt; locally `make install` builds it in
.tools/playground. Only the names of `ASSETS` are ever served, so no request path reaches the
file system.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

__all__ = ["ASSETS", "Asset", "AssetStore", "AssetsMissing", "ENV_VAR", "candidate_dirs"]

ENV_VAR = "PLAYGROUND_ASSETS_DIR"
# Lambda extracts every layer of a function under /opt (the layer's build puts them in playground/).
LAMBDA_DIR = Path("/opt/playground")
# The repository root, when the package runs from its source tree (`pip install -e .`).
_SOURCE_ROOT = Path(__file__).resolve().parents[3]

_JS = "text/javascript; charset=utf-8"
_CSS = "text/css; charset=utf-8"

# Every file a page may load, and its content type; playground/Makefile copies exactly these.
ASSETS: dict[str, str] = {
    # swagger-ui-dist
    "swagger-ui-bundle.js": _JS,
    "swagger-ui.css": _CSS,
    # graphiql 3 (UMD build) and the React 18 UMD builds it runs on
    "graphiql.min.js": _JS,
    "graphiql.min.css": _CSS,
    "react.production.min.js": _JS,
    "react-dom.production.min.js": _JS,
    # the pages' own scripts and style (playground/src)
    "key.js": _JS,
    "rest.js": _JS,
    "graphql.js": _JS,
    "playground.css": _CSS,
}


class AssetsMissing(Exception):
    """The asset folder is not there, or lacks a file: the deployment is incomplete."""

    def __init__(self, looked_in: list[Path], missing: str | None = None) -> None:
        self.looked_in = looked_in
        self.missing = missing
        where = ", ".join(str(path) for path in looked_in) or "nowhere"
        what = f"{missing} is missing from" if missing else "no asset folder found in"
        super().__init__(f"playground assets: {what} {where}")

    # What a client is told: no file system paths, only what to do.
    public_message = (
        "The playground's assets are not installed on this deployment: attach the PlaygroundLayer "
        f"to the function or set {ENV_VAR} (locally: make install builds .tools/playground)"
    )


@dataclass(frozen=True)
class Asset:
    name: str
    content: bytes
    content_type: str
    # A digest of the content: pages put it in the asset's URL, so a new build is a new URL and the
    # old one may be cached for good.
    version: str


def candidate_dirs() -> list[Path]:
    """Where the folder may be, first match wins: PLAYGROUND_ASSETS_DIR if set, else the layer's
    /opt/playground, else the one `make install` builds in the source tree."""
    configured = os.environ.get(ENV_VAR)
    if configured:
        return [Path(configured)]
    return [LAMBDA_DIR, _SOURCE_ROOT / ".tools" / "playground"]


class AssetStore:
    """The files of `ASSETS`, each read on first use and kept for the life of the process."""

    def __init__(self, directory: Path | None = None) -> None:
        self._directory = directory
        self._assets: dict[str, Asset] = {}

    def directory(self) -> Path:
        looked_in = [self._directory] if self._directory is not None else candidate_dirs()
        for path in looked_in:
            if path.is_dir():
                return path
        raise AssetsMissing(looked_in)

    def get(self, name: str) -> Asset:
        """The asset called `name`; KeyError for a name that is not one of `ASSETS`."""
        content_type = ASSETS[name]
        asset = self._assets.get(name)
        if asset is None:
            directory = self.directory()
            try:
                content = (directory / name).read_bytes()
            except OSError as error:
                raise AssetsMissing([directory], name) from error
            asset = Asset(name, content, content_type, hashlib.sha256(content).hexdigest()[:16])
            self._assets[name] = asset
        return asset

    def versions(self, names: list[str]) -> dict[str, str]:
        """`name -> version` for the files a page loads; AssetsMissing when one is not there."""
        return {name: self.get(name).version for name in names}
