"""The playground pages: only this API's assets, no inline script, a key field that no URL gets."""

from __future__ import annotations

import re

import pytest

from tenantapi.playground.assets import ASSETS
from tenantapi.playground.pages import GRAPHQL_PAGE, PAGE_HEADERS, REST_PAGE, Page, render

PAGES = [REST_PAGE, GRAPHQL_PAGE]


def _versions(page: Page) -> dict[str, str]:
    return {name: f"v{index}" for index, name in enumerate(page.stylesheets + page.scripts)}


@pytest.mark.parametrize("page", PAGES, ids=["rest", "graphql"])
def test_a_page_loads_only_known_assets_under_the_base_path_with_their_versions(page: Page) -> None:
    html = render(page, "/prod", _versions(page))
    urls = re.findall(r'(?:src|href)="([^"]+)"', html)
    assets = [url for url in urls if "/assets/" in url]
    assert len(assets) == len(page.stylesheets) + len(page.scripts)
    for url in assets:
        match = re.fullmatch(r"/prod/rest/playground/assets/([^?]+)\?v=(v\d+)", url)
        assert match and match[1] in ASSETS and _versions(page)[match[1]] == match[2], url
    assert all(url.startswith(("/prod/", "data:")) for url in urls), urls


@pytest.mark.parametrize("page", PAGES, ids=["rest", "graphql"])
def test_a_page_has_no_inline_script_and_its_key_field_cannot_be_submitted(page: Page) -> None:
    html = render(page, "", _versions(page))
    assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", html) == []
    assert re.findall(r"\son[a-z]+=", html) == []  # no inline event handlers either
    key_field = re.search(r'<input id="pg-key"[^>]*>', html)
    assert key_field and 'type="password"' in key_field[0] and "name=" not in key_field[0]
    assert 'id="pg-key"' in html and 'data-base=""' in html


def test_the_base_path_is_escaped() -> None:
    html = render(REST_PAGE, '/a"><script>x</script>', _versions(REST_PAGE))
    assert "<script>x" not in html and "&quot;&gt;&lt;script&gt;" in html


def test_the_policy_allows_scripts_and_calls_of_this_origin_only() -> None:
    policy = dict(part.split(" ", 1) for part in PAGE_HEADERS["Content-Security-Policy"].split("; "))
    assert policy["default-src"] == "'none'"
    assert policy["script-src"] == "'self'"
    assert policy["connect-src"] == "'self'"
    assert policy["form-action"] == "'none'" and policy["frame-ancestors"] == "'none'"
    assert "unsafe-eval" not in PAGE_HEADERS["Content-Security-Policy"]
    assert PAGE_HEADERS["Referrer-Policy"] == "no-referrer"
