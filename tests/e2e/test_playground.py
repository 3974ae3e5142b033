"""The playground through the local gateway: plain HTTP, then each page in headless Chromium.

The browser is Debian's `chromium`, driven through Debian's `chromedriver` (`make browser`
installs both); selenium is only the client of chromedriver, so nothing is downloaded at test
time. The gateway of this module records every request it receives, so the tests can check what
the browser really sent: the key in the Authorization header, never in a URL.
"""

from __future__ import annotations

import tempfile
import threading
import uuid
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, NamedTuple

import httpx
import pytest
from tenantapi.playground.assets import ASSETS
from tenantapi_tools.local.gateway import LocalGateway, Response, serve
from tenantapi_tools.local.template import DEFAULT_TEMPLATE

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
# What works headless as root on a machine without a network beyond loopback.
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--window-size=1400,1000",
]
# Every wait of the browser tests is bounded by this (Swagger UI renders in about 10 s on a busy 2-core machine).
WAIT_SECONDS = 60


# -- a gateway that remembers what it was sent -----------------------------------------------


class Seen(NamedTuple):
    method: str
    path: str
    query: str
    authorization: str | None


class RecordingGateway(LocalGateway):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.seen: list[Seen] = []
        self._seen_lock = threading.Lock()

    def handle(
        self, method: str, path: str, query: str, headers: Mapping[str, str] | list[tuple[str, str]], body: bytes, **kwargs: Any
    ) -> Response:
        pairs = list(headers.items()) if isinstance(headers, Mapping) else list(headers)
        authorization = next((value for name, value in pairs if name.lower() == "authorization"), None)
        with self._seen_lock:
            self.seen.append(Seen(method.upper(), path, query, authorization))
        return super().handle(method, path, query, headers, body, **kwargs)

    def take(self) -> list[Seen]:
        with self._seen_lock:
            taken, self.seen = self.seen, []
        return taken


@pytest.fixture(scope="module")
def gateway(dynamodb_local: Any) -> Iterator[tuple[RecordingGateway, str]]:
    recording = RecordingGateway(DEFAULT_TEMPLATE, parameter_overrides={"AuthorizerTtlSeconds": "0"})
    server = serve(recording, "127.0.0.1", 0)
    try:
        yield recording, server.url
    finally:
        server.shutdown()
        recording.close()


@pytest.fixture(scope="module")
def web(gateway: tuple[RecordingGateway, str]) -> Iterator[httpx.Client]:
    """A client without a key."""
    with httpx.Client(base_url=gateway[1], timeout=30) as client:
        yield client


@pytest.fixture(scope="module")
def workspace(new_tenant: Any) -> Any:
    tenant = new_tenant(f"playground-{uuid.uuid4().hex[:8]}")
    first = f"Ada{uuid.uuid4().hex[:6]}"
    created = tenant.client.post("/rest/people", json={"name": {"firstName": first, "lastName": "Lovelace"}})
    assert created.status_code == 201, created.text
    return tenant, first


# -- plain HTTP ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "loads"), [("/rest/playground", "swagger-ui-bundle.js"), ("/graphql", "graphiql.min.js")]
)
def test_each_page_is_served_without_a_key_with_a_strict_content_security_policy(
    web: httpx.Client, path: str, loads: str
) -> None:
    response = web.get(path, headers={"Accept": "text/html"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    policy = response.headers["content-security-policy"]
    assert "script-src 'self';" in policy and "connect-src 'self';" in policy and "form-action 'none'" in policy
    assert "unsafe-eval" not in policy
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "no-referrer"
    assert f'src="/rest/playground/assets/{loads}?v=' in response.text
    assert "<script>" not in response.text  # no inline script: 'self' is all the policy allows


def test_a_page_called_with_a_key_is_the_same_page(web: httpx.Client, workspace: Any) -> None:
    tenant, _ = workspace
    keyed = web.get("/rest/playground", headers={"Authorization": f"Bearer {tenant.secret}"})
    assert keyed.status_code == 200 and keyed.text == web.get("/rest/playground").text
    assert tenant.secret not in keyed.text


@pytest.mark.parametrize("name", sorted(ASSETS))
def test_every_asset_is_served_with_its_content_type(web: httpx.Client, name: str) -> None:
    response = web.get(f"/rest/playground/assets/{name}")
    assert response.status_code == 200
    assert response.headers["content-type"] == ASSETS[name]
    assert response.headers["x-content-type-options"] == "nosniff"
    assert len(response.content) > 100


def test_an_asset_at_the_version_a_page_names_is_cached_for_good(web: httpx.Client) -> None:
    page = web.get("/graphql", headers={"Accept": "text/html"}).text
    start = page.index("/rest/playground/assets/graphiql.min.js?v=")
    url = page[start : page.index('"', start)]
    response = web.get(url)
    assert response.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert web.get("/rest/playground/assets/graphiql.min.js?v=old").headers["cache-control"] == "no-cache"
    again = web.get(url, headers={"If-None-Match": response.headers["etag"]})
    assert again.status_code == 304 and again.content == b""


@pytest.mark.parametrize("name", ["index.html", "package.json", "swagger-ui.js", "..%2Fpackage.json", "%2E%2E"])
def test_a_file_that_is_not_a_known_asset_is_404(web: httpx.Client, name: str) -> None:
    response = web.get(f"/rest/playground/assets/{name}")
    assert response.status_code == 404
    assert response.json()["error"] == "NotFoundException"


def test_a_deeper_path_is_not_a_playground_route_but_the_core_apis_which_needs_a_key(web: httpx.Client) -> None:
    # {file} is one path segment: /rest/{proxy+} gets anything deeper, behind the authorizer.
    response = web.get("/rest/playground/assets/node_modules/package.json")
    assert (response.status_code, response.json()["error"]) == (403, "FORBIDDEN_EXCEPTION")


# -- in the browser --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    missing = [str(path) for path in (CHROMIUM, CHROMEDRIVER) if not path.exists()]
    if missing:
        pytest.fail(f"{' and '.join(missing)} missing: `make browser` installs Debian's chromium and chromium-driver")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    with tempfile.TemporaryDirectory(prefix="playground-chromium-") as profile:
        options.add_argument(f"--user-data-dir={profile}")
        # The driver's own path: selenium then has nothing to look for or download.
        driver = webdriver.Chrome(service=Service(executable_path=str(CHROMEDRIVER)), options=options)
        try:
            driver.set_page_load_timeout(WAIT_SECONDS)
            driver.set_script_timeout(WAIT_SECONDS)
            yield driver
        finally:
            driver.quit()


def _wait(driver: Any, what: str, condition: Any) -> Any:
    from selenium.common.exceptions import TimeoutException
    from selenium.webdriver.support.ui import WebDriverWait

    try:
        return WebDriverWait(driver, WAIT_SECONDS, poll_frequency=0.2).until(condition)
    except TimeoutException:
        pytest.fail(f"waited {WAIT_SECONDS}s for {what}; the page's console said: {_console(driver)}")


def _console(driver: Any) -> list[str]:
    return [entry["message"] for entry in driver.get_log("browser")]


def _css(driver: Any, selector: str) -> Any:
    from selenium.webdriver.common.by import By

    return driver.find_element(By.CSS_SELECTOR, selector)


def _type_key(driver: Any, secret: str) -> None:
    field = _css(driver, "#pg-key")
    field.send_keys(secret)
    _css(driver, "#pg-apply").click()


def _no_key_in_any_url(driver: Any, seen: list[Seen], secret: str) -> None:
    assert seen, "the gateway saw no request"
    assert [s for s in seen if secret in s.path or secret in s.query] == []
    loaded = driver.execute_script("return performance.getEntries().map(function (e) { return e.name; })")
    assert loaded and not [url for url in loaded if secret in url]
    assert secret not in driver.current_url
    stored = driver.execute_script(
        "var all = [];"
        "[localStorage, sessionStorage].forEach(function (s) {"
        "  for (var i = 0; i < s.length; i++) { all.push(s.key(i) + '=' + s.getItem(s.key(i))); } });"
        "return all.join('\\n');"
    )
    assert secret not in stored


def _no_console_errors(driver: Any) -> None:
    # A Content-Security-Policy violation, a script error or a failed load is a SEVERE entry.
    errors = [entry["message"] for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]
    assert errors == []


def test_swagger_ui_lists_the_workspace_people_with_the_key_typed_in_the_page(
    browser: Any, gateway: tuple[RecordingGateway, str], workspace: Any
) -> None:
    recording, url = gateway
    tenant, first = workspace
    browser.get(f"{url}/rest/playground")
    _wait(browser, "Swagger UI to show the base document", lambda d: d.find_elements("css selector", ".swagger-ui .info"))
    recording.take()

    _type_key(browser, tenant.secret)
    people = _wait(
        browser, "the workspace's document (tag people)", lambda d: d.find_elements("css selector", "#operations-tag-people")
    )
    people[0].click()
    operation = _wait(
        browser, "the operation GET /people", lambda d: d.find_elements("css selector", "#operations-people-findManyPeople")
    )[0]
    operation.find_element("css selector", ".opblock-summary-control").click()
    _wait(browser, "the Execute button", lambda d: operation.find_elements("css selector", "button.execute"))[0].click()
    status = _wait(
        browser, "the response of GET /rest/people",
        lambda d: operation.find_elements("css selector", ".live-responses-table .response .response-col_status"),
    )[0]
    assert status.text.strip().startswith("200")
    body = operation.find_element("css selector", ".live-responses-table .response-col_description .microlight").text
    assert first in body and '"totalCount": 1' in body

    seen = recording.take()
    called = [s for s in seen if s.method == "GET" and s.path == "/rest/people"]
    assert called and all(s.authorization == f"Bearer {tenant.secret}" for s in called)
    document = [s for s in seen if s.path == "/rest/open-api/core"]
    assert document and all(s.authorization == f"Bearer {tenant.secret}" for s in document)
    _no_key_in_any_url(browser, seen, tenant.secret)
    _no_console_errors(browser)


def test_graphiql_runs_a_query_with_the_key_typed_in_the_page(
    browser: Any, gateway: tuple[RecordingGateway, str], workspace: Any
) -> None:
    recording, url = gateway
    tenant, first = workspace
    browser.get(f"{url}/graphql")
    _wait(browser, "GraphiQL", lambda d: d.find_elements("css selector", ".graphiql-execute-button"))
    recording.take()

    _type_key(browser, tenant.secret)
    # The schema is fetched with the key (introspection), then the default query runs.
    _wait(browser, "the schema", lambda d: [s for s in recording.seen if s.path == "/graphql"])
    _wait(browser, "the execute button", lambda d: d.find_elements("css selector", ".graphiql-execute-button"))[0].click()
    result = _wait(
        browser, "the result of the query",
        lambda d: [e for e in d.find_elements("css selector", ".result-window") if first in e.text],
    )[0]
    assert '"totalCount": 1' in result.text and "Lovelace" in result.text

    seen = recording.take()
    posts = [s for s in seen if s.method == "POST" and s.path == "/graphql"]
    assert len(posts) >= 2  # introspection, then the query
    assert all(s.authorization == f"Bearer {tenant.secret}" and s.query == "" for s in posts)
    _no_key_in_any_url(browser, seen, tenant.secret)
    _no_console_errors(browser)
