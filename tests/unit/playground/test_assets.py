"""The asset store: only the known files, read from the first folder that exists."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tenantapi.playground.assets import ASSETS, ENV_VAR, LAMBDA_DIR, AssetsMissing, AssetStore, candidate_dirs

PLAYGROUND = Path(__file__).resolve().parents[3] / "playground"


def _folder(tmp_path: Path) -> Path:
    for name in ASSETS:
        (tmp_path / name).write_text(f"/* {name} */")
    return tmp_path


def test_the_layer_build_copies_exactly_the_known_assets() -> None:
    makefile = (PLAYGROUND / "Makefile").read_text(encoding="utf-8")
    block = makefile.split("NPM_FILES :=", 1)[1].split("\n\n", 1)[0]
    from_npm = {Path(path).name for path in re.findall(r"node_modules/\S+", block)}
    own = {path.name for path in (PLAYGROUND / "src").iterdir()}
    assert from_npm | own == set(ASSETS)
    assert from_npm.isdisjoint(own)


def test_every_npm_package_an_asset_comes_from_is_pinned_to_one_version() -> None:
    package = json.loads((PLAYGROUND / "package.json").read_text(encoding="utf-8"))
    lock = json.loads((PLAYGROUND / "package-lock.json").read_text(encoding="utf-8"))
    for name, version in package["dependencies"].items():
        assert re.fullmatch(r"\d+\.\d+\.\d+", version), (name, version)
        assert lock["packages"][f"node_modules/{name}"]["version"] == version


def test_an_asset_is_read_once_with_its_content_type_and_a_version_of_its_content(tmp_path: Path) -> None:
    store = AssetStore(_folder(tmp_path))
    asset = store.get("rest.js")
    assert (asset.content, asset.content_type) == (b"/* rest.js */", "text/javascript; charset=utf-8")
    (tmp_path / "rest.js").write_text("changed")
    assert store.get("rest.js") is asset
    assert store.get("swagger-ui.css").content_type == "text/css; charset=utf-8"
    assert store.get("swagger-ui.css").version != asset.version


def test_a_name_that_is_not_a_known_asset_is_refused_before_any_file_is_read(tmp_path: Path) -> None:
    (tmp_path / "secret.txt").write_text("x")
    store = AssetStore(tmp_path)
    for name in ("secret.txt", "../assets.py", "/etc/passwd", ""):
        with pytest.raises(KeyError):
            store.get(name)


def test_a_missing_folder_or_file_is_assets_missing(tmp_path: Path) -> None:
    with pytest.raises(AssetsMissing) as missing_folder:
        AssetStore(tmp_path / "nope").get("rest.js")
    assert str(tmp_path / "nope") in str(missing_folder.value)
    with pytest.raises(AssetsMissing) as missing_file:
        AssetStore(tmp_path).get("rest.js")
    assert missing_file.value.missing == "rest.js"
    assert "make install" in AssetsMissing.public_message and str(tmp_path) not in AssetsMissing.public_message


def test_the_folder_is_the_configured_one_or_the_layers_or_the_local_build(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv(ENV_VAR, str(tmp_path))
    assert candidate_dirs() == [tmp_path]
    monkeypatch.delenv(ENV_VAR)
    assert candidate_dirs()[0] == LAMBDA_DIR == Path("/opt/playground")
    assert candidate_dirs()[1] == PLAYGROUND.parent / ".tools" / "playground"
