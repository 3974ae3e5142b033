"""The playground routes: through an ASGI app on a folder of fake assets, and through the metadata
function's Lambda handler with the API Gateway event of a deployed stage."""

from __future__ import annotations

import copy
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from starlette.applications import Starlette
from starlette.exceptions import StarletteDeprecationWarning

with warnings.catch_warnings():
    # Starlette 1.x points its test client at httpx2; httpx (the dev dependency) still serves.
    warnings.simplefilter("ignore", StarletteDeprecationWarning)
    from starlette.testclient import TestClient

from tenantapi.api.http import exception_handlers
from tenantapi.playground.assets import ASSETS, ENV_VAR, AssetsMissing, AssetStore
from tenantapi.playground.routes import playground_routes

from .events_support import invoke, load_event


def _client(store: AssetStore) -> TestClient:
    return TestClient(Starlette(routes=playground_routes(store), exception_handlers=exception_handlers))


# What a browser sends when it navigates to a page.
BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}

@pytest.fixture
def assets(tmp_path: Path) -> Path:
    for name in ASSETS:
        (tmp_path / name).write_text(f"/* {name} */", encoding="utf-8")
    return tmp_path


@pytest.fixture
def client(assets: Path) -> Iterator[TestClient]:
    with _client(AssetStore(assets)) as client:
        yield client


@pytest.mark.parametrize("path", ["/rest/playground", "/graphql"])
def test_a_page_needs_no_key_and_names_its_assets_by_version(client: TestClient, path: str) -> None:
    response = client.get(path, headers=BROWSER)
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert response.headers["cache-control"] == "no-cache"
    assert response.headers["x-frame-options"] == "DENY"
    assert "/rest/playground/assets/playground.css?v=" in response.text


def test_a_get_of_graphql_that_asks_for_no_page_is_told_graphql_is_post(client: TestClient) -> None:
    for accept in ("application/json", "*/*"):
        response = client.get("/graphql", headers={"Accept": accept})
        assert (response.status_code, response.headers["allow"]) == (405, "POST")
        assert response.json()["errors"][0]["extensions"]["code"] == "METHOD_NOT_ALLOWED"


def test_an_asset_is_served_with_its_type_and_cached_for_good_only_at_its_version(client: TestClient) -> None:
    page = client.get("/rest/playground").text
    start = page.index("/rest/playground/assets/rest.js?v=")
    url = page[start : page.index('"', start)]
    current = client.get(url)
    assert (current.status_code, current.text) == (200, "/* rest.js */")
    assert current.headers["content-type"] == "text/javascript; charset=utf-8"
    assert current.headers["cache-control"] == "public, max-age=31536000, immutable"
    unversioned = client.get("/rest/playground/assets/rest.js")
    assert unversioned.headers["cache-control"] == "no-cache"
    assert client.get("/rest/playground/assets/swagger-ui.css").headers["content-type"] == "text/css; charset=utf-8"


@pytest.mark.parametrize("name", ["Makefile", "index.html", "%2E%2E", "%2E%2E%2Fetc%2Fpasswd", "rest.js%00.png"])
def test_anything_but_a_known_asset_is_404(client: TestClient, assets: Path, name: str) -> None:
    (assets / "Makefile").write_text("not an asset")
    response = client.get(f"/rest/playground/assets/{name}")
    assert response.status_code == 404
    assert response.json()["error"] == "NotFoundException"
    assert "not an asset" not in response.text


def test_without_the_asset_folder_the_pages_and_assets_say_how_to_install_it(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    told = {"statusCode": 404, "error": "NotFoundException", "messages": [AssetsMissing.public_message]}
    with _client(AssetStore(tmp_path / "missing")) as client:
        for path in ("/rest/playground", "/graphql", "/rest/playground/assets/rest.js"):
            response = client.get(path, headers=BROWSER)
            assert response.status_code == 404, path
            assert response.json() == told
    assert str(tmp_path / "missing") in caplog.text  # the log says where it looked


def _playground_event(path: str, resource: str, path_parameters: dict[str, str] | None) -> dict[str, Any]:
    # A deployed stage's event for a route without authorizer: no Authorization, no authorizer context.
    event = copy.deepcopy(load_event("metadata_list_objects.json"))
    for headers in (event["headers"], event["multiValueHeaders"]):
        headers.pop("Authorization")
    event["headers"]["Accept"], event["multiValueHeaders"]["Accept"] = "text/html", ["text/html"]
    event.update(path=path, resource=resource, pathParameters=path_parameters)
    context = event["requestContext"]
    context.update(path=f"/{context['stage']}{path}", resourcePath=resource)
    context.pop("authorizer")
    context["identity"]["apiKey"] = None
    context["identity"]["apiKeyId"] = None
    return event


def test_the_lambda_handler_serves_the_page_with_asset_urls_under_the_stage(
    assets: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(ENV_VAR, str(assets))
    answer = invoke("MetadataApiFunction", _playground_event("/rest/playground", "/rest/playground", None))
    assert answer["statusCode"] == 200 and answer["isBase64Encoded"] is False
    # On the execute-api endpoint the stage is part of every URL the browser uses.
    assert 'src="/prod/rest/playground/assets/swagger-ui-bundle.js?v=' in answer["body"]
    assert 'data-base="/prod"' in answer["body"]

    script = invoke(
        "MetadataApiFunction",
        _playground_event("/rest/playground/assets/rest.js", "/rest/playground/assets/{file}", {"file": "rest.js"}),
    )
    assert (script["statusCode"], script["body"], script["isBase64Encoded"]) == (200, "/* rest.js */", False)
