"""The template's parameters as CloudFormation sees them on a deploy: defaults, overrides, checks.

A parameter's value is a string, whatever its Type (CloudFormation hands `Number` parameters to
`Ref` as strings too). Overrides are written as `sam deploy --parameter-overrides` takes them, so
the same line configures a deployment and the local stack. Every value, a Default included, must
pass the parameter's constraints, as CloudFormation checks them when it creates the stack.
"""

from __future__ import annotations

import math
import re
import shlex
from collections.abc import Mapping
from typing import Any

from tenantapi_tools.local.template import TemplateError

__all__ = ["parameter_values", "parse_parameter_overrides"]

# The Types whose constraints this module checks; others (lists, AWS-specific and SSM types) have
# no local meaning and are refused where a template refers to them (intrinsics.py).
_STRING, _NUMBER = "String", "Number"
# sam deploy's long form of one override.
_LONG_FORM = re.compile(r"ParameterKey=(?P<key>[^,]+),ParameterValue=(?P<value>.*)", re.DOTALL)


def parse_parameter_overrides(text: str) -> dict[str, str]:
    """`Name=value` pairs separated by spaces (shell quoting applies), or sam deploy's long form
    `ParameterKey=Name,ParameterValue=value`; a name given twice keeps its last value."""
    overrides: dict[str, str] = {}
    try:
        words = shlex.split(text)
    except ValueError as error:
        raise TemplateError(f"parameter overrides {text!r}: {error}") from None
    for word in words:
        long_form = _LONG_FORM.fullmatch(word)
        if long_form:
            name, value = long_form["key"], long_form["value"]
        else:
            name, separator, value = word.partition("=")
            if not separator or not name:
                raise TemplateError(f"parameter override {word!r} is not Name=value")
        overrides[name] = value
    return overrides


def parameter_values(template: Mapping[str, Any], overrides: Mapping[str, str] | None = None) -> dict[str, str | None]:
    """Name -> value (None: no Default and no override) of every parameter of the template,
    each override applied and every value checked against its parameter's constraints."""
    declared: Mapping[str, Mapping[str, Any]] = template.get("Parameters") or {}
    unknown = sorted(set(overrides or {}) - set(declared))
    if unknown:
        raise TemplateError(f"parameter overrides name no parameter of the template: {', '.join(unknown)} (it declares {', '.join(sorted(declared))})")
    values: dict[str, str | None] = {}
    for name, spec in declared.items():
        given = (overrides or {}).get(name)
        value = given if given is not None else _as_string(spec.get("Default"))
        if value is not None:
            _check(name, spec, value, "override" if given is not None else "Default")
        values[name] = value
    return values


def _as_string(value: Any) -> str | None:
    # YAML reads `Default: 60` as a number and `Default: true` as a boolean; CloudFormation sees text.
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _check(name: str, spec: Mapping[str, Any], value: str, origin: str) -> None:
    what = f"parameter {name} ({origin} {value!r})"
    kind = spec.get("Type", _STRING)
    allowed = spec.get("AllowedValues")
    if kind == _NUMBER:
        number = _number(value)
        if number is None:
            raise TemplateError(f"{what}: not a Number")
        low, high = spec.get("MinValue"), spec.get("MaxValue")
        if low is not None and number < float(low):
            raise TemplateError(f"{what}: below MinValue {low}")
        if high is not None and number > float(high):
            raise TemplateError(f"{what}: above MaxValue {high}")
        if allowed is not None and all(_number(_as_string(a) or "") != number for a in allowed):
            raise TemplateError(f"{what}: not one of AllowedValues {allowed}")
    elif kind == _STRING:
        if allowed is not None and value not in [_as_string(a) for a in allowed]:
            raise TemplateError(f"{what}: not one of AllowedValues {allowed}")
        pattern = spec.get("AllowedPattern")
        if pattern is not None and re.fullmatch(str(pattern), value) is None:
            raise TemplateError(f"{what}: does not match AllowedPattern {pattern}")
        shortest, longest = spec.get("MinLength"), spec.get("MaxLength")
        if shortest is not None and len(value) < int(shortest):
            raise TemplateError(f"{what}: shorter than MinLength {shortest}")
        if longest is not None and len(value) > int(longest):
            raise TemplateError(f"{what}: longer than MaxLength {longest}")


def _number(text: str) -> float | None:
    try:
        number = float(text)
    except ValueError:
        return None
    return number if math.isfinite(number) else None
