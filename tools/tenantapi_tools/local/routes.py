"""Which method of which resource a REST API request reaches, as API Gateway decides it.

API Gateway resolves the resource and the method as one step: it walks the resource tree
preferring, at every level, a literal segment over a `{param}` over a greedy `{proxy+}`, and takes
the most specific resource that declares the request's method (or ANY). A resource without that
method (an intermediate one, or one with other verbs) does not stop the walk: the request falls
through to a less specific resource, such as `/rest/{proxy+}`. Nothing reached at all is
MISSING_AUTHENTICATION_TOKEN.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import NamedTuple
from urllib.parse import unquote

from tenantapi_tools.local.api_model import RouteSpec, TemplateError

__all__ = ["RouteMatch", "RouteTable"]


class RouteMatch(NamedTuple):
    route: RouteSpec
    path_parameters: dict[str, str]


@dataclass
class _Resource:
    literals: dict[str, _Resource] = field(default_factory=dict)
    param: tuple[str, _Resource] | None = None
    greedy: tuple[str, _Resource] | None = None
    methods: dict[str, RouteSpec] = field(default_factory=dict)

    def method(self, http_method: str) -> RouteSpec | None:
        # A method declared for the verb itself wins over ANY on the same resource.
        return self.methods.get(http_method) or self.methods.get("ANY")


class RouteTable:
    def __init__(self, routes: Iterable[RouteSpec]) -> None:
        self._root = _Resource()
        for route in routes:
            self._add(route)

    def match(self, http_method: str, raw_path: str) -> RouteMatch | None:
        """`raw_path` as sent (percent-encoded); parameter values come back decoded."""
        return self._walk(self._root, _segments(raw_path), 0, http_method.upper(), {})

    def _add(self, route: RouteSpec) -> None:
        node = self._root
        segments = _segments(route.path)
        for index, segment in enumerate(segments):
            if segment.startswith("{") and segment.endswith("+}"):
                if index != len(segments) - 1:
                    raise TemplateError(f"{route.path}: a greedy path variable must be the last segment")
                name = segment[1:-2]
                node.greedy = self._child(node.greedy, name, route.path)
                node = node.greedy[1]
            elif segment.startswith("{") and segment.endswith("}"):
                name = segment[1:-1]
                node.param = self._child(node.param, name, route.path)
                node = node.param[1]
            else:
                node = node.literals.setdefault(segment, _Resource())
        node.methods[route.method] = route

    @staticmethod
    def _child(existing: tuple[str, _Resource] | None, name: str, path: str) -> tuple[str, _Resource]:
        # API Gateway allows one variable child per resource, so two names at one level conflict.
        if existing is None:
            return name, _Resource()
        if existing[0] != name:
            raise TemplateError(f"{path}: {{{name}}} conflicts with {{{existing[0]}}} at the same level")
        return existing

    def _walk(
        self, node: _Resource, segments: list[str], index: int, method: str, params: dict[str, str]
    ) -> RouteMatch | None:
        if index == len(segments):
            route = node.method(method)
            return RouteMatch(route, params) if route else None
        segment = segments[index]
        literal = node.literals.get(segment)
        if literal is not None:
            found = self._walk(literal, segments, index + 1, method, params)
            if found:
                return found
        if node.param is not None and segment:
            name, child = node.param
            found = self._walk(child, segments, index + 1, method, {**params, name: unquote(segment)})
            if found:
                return found
        if node.greedy is not None:
            # A greedy variable takes the rest of the path, and needs at least one segment of it.
            name, child = node.greedy
            route = child.method(method)
            if route:
                return RouteMatch(route, {**params, name: unquote("/".join(segments[index:]))})
        return None


def _segments(path: str) -> list[str]:
    # API Gateway treats "/a/b/" like "/a/b"; the root resource is "/".
    trimmed = path.strip("/")
    return trimmed.split("/") if trimmed else []
