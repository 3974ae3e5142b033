"""The two playground pages (Swagger UI, GraphiQL) and the headers they are served with.

A page is static HTML that loads only assets of this API (`assets.ASSETS`) and runs no inline
script, so the Content-Security-Policy can allow scripts from 'self' alone. The key field has no
`name` and `form-action` is 'none': even without its script a page can never put the key in a URL.
"""

from __future__ import annotations

from html import escape
from typing import NamedTuple

__all__ = ["ASSETS_PATH", "GRAPHIQL_PATH", "GRAPHQL_PAGE", "PAGE_HEADERS", "Page", "REST_PAGE", "REST_PATH", "render"]

# Every script and stylesheet comes from this API. Styles also allow 'unsafe-inline': GraphiQL's
# dialogs (Radix's scroll lock) add a <style> element whose text depends on the scrollbar's width,
# so no hash can name it. Scripts allow no inline code at all.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        # Swagger UI's and GraphiQL's stylesheets embed their icons and fonts as data: URLs.
        "img-src 'self' data:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "base-uri 'none'",
        "form-action 'none'",
        "frame-ancestors 'none'",
    ]
)

PAGE_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
    # The page names its assets by version: revalidate it, so a new build is picked up at once.
    "Cache-Control": "no-cache",
}


class Page(NamedTuple):
    title: str
    stylesheets: list[str]
    scripts: list[str]
    # The part of the bar particular to the page: the document or endpoint to call.
    target_label: str
    targets: list[tuple[str, str]]
    mount_id: str
    current: str  # "rest" or "graphql": which link of the bar is this page


REST_PAGE = Page(
    title="REST playground",
    stylesheets=["swagger-ui.css", "playground.css"],
    scripts=["swagger-ui-bundle.js", "key.js", "rest.js"],
    target_label="Document",
    targets=[("core", "Core (/rest/…)"), ("metadata", "Metadata (/rest/metadata/…)")],
    mount_id="swagger-ui",
    current="rest",
)

GRAPHQL_PAGE = Page(
    title="GraphQL playground",
    stylesheets=["graphiql.min.css", "playground.css"],
    scripts=["react.production.min.js", "react-dom.production.min.js", "graphiql.min.js", "key.js", "graphql.js"],
    target_label="Endpoint",
    targets=[("graphql", "Core (/graphql)"), ("metadata", "Metadata (/metadata)")],
    mount_id="graphiql",
    current="graphql",
)

ASSETS_PATH = "/rest/playground/assets"
REST_PATH = "/rest/playground"
GRAPHIQL_PATH = "/graphql"  # for a browser; the API itself is POST /graphql


def render(page: Page, base_path: str, versions: dict[str, str]) -> str:
    """The page's HTML. `base_path` is what precedes the API's routes in the URLs the client
    uses (the stage on the execute-api endpoint, or ''); `versions` gives each asset's version."""
    base = escape(base_path, quote=True)

    def asset(name: str) -> str:
        return f"{base}{ASSETS_PATH}/{escape(name)}?v={escape(versions[name])}"

    links = "\n".join(f'  <link rel="stylesheet" href="{asset(name)}">' for name in page.stylesheets)
    scripts = "\n".join(f'  <script src="{asset(name)}"></script>' for name in page.scripts)
    options = "".join(f'<option value="{escape(value)}">{escape(label)}</option>' for value, label in page.targets)
    nav = {
        "rest": f'<a href="{base}{REST_PATH}"{_current(page, "rest")}>REST</a>',
        "graphql": f'<a href="{base}{GRAPHIQL_PATH}"{_current(page, "graphql")}>GraphQL</a>',
    }
    return f"""<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>tenantapi · {escape(page.title)}</title>
  <link rel="icon" href="data:,">
{links}
</head>
<body data-base="{base}">
  <header class="pg-bar">
    <strong class="pg-name">tenantapi</strong>
    <nav class="pg-nav">{nav["rest"]} {nav["graphql"]}</nav>
    <form id="pg-form" class="pg-form" autocomplete="off">
      <label>API key
        <input id="pg-key" type="password" autocomplete="off" spellcheck="false" placeholder="Bearer key of your workspace">
      </label>
      <label>{escape(page.target_label)}
        <select id="pg-target">{options}</select>
      </label>
      <button id="pg-apply" type="submit">Use key</button>
      <button id="pg-forget" type="button">Forget key</button>
      <span id="pg-status" class="pg-status" role="status"></span>
    </form>
  </header>
  <main id="{page.mount_id}" class="pg-main"></main>
{scripts}
</body>
</html>
"""


def _current(page: Page, which: str) -> str:
    return ' aria-current="page"' if page.current == which else ""
