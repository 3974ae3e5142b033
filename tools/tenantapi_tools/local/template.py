"""Read template.yaml, the one source of truth for tables, routes, authorizer and usage plans.

CloudFormation's short-form intrinsics (!Ref, !GetAtt, !Sub, ...) are not YAML that a plain loader
accepts; they are read back as `{"Ref": ...}` / `{"Fn::GetAtt": ...}` dicts, as CloudFormation
itself would see them in long form.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

__all__ = ["load_template", "resources_of_type", "template_usage_plans", "DEFAULT_TEMPLATE", "TemplateError"]

DEFAULT_TEMPLATE = Path(__file__).resolve().parents[3] / "template.yaml"

_INTRINSICS = (
    "Ref", "Condition", "GetAtt", "Sub", "If", "Equals", "Not", "And", "Or", "Join", "Select",
    "Split", "FindInMap", "ImportValue", "GetAZs", "Base64", "Cidr", "Transform",
)


class TemplateError(ValueError):
    """The template asks for something the local stack cannot do faithfully."""


class _Loader(yaml.SafeLoader):
    pass


def _make_constructor(name: str):
    key = name if name in ("Ref", "Condition") else f"Fn::{name}"

    def construct(loader: yaml.SafeLoader, node: yaml.Node) -> dict[str, Any]:
        if isinstance(node, yaml.ScalarNode):
            value: Any = loader.construct_scalar(node)
            if name == "GetAtt":
                value = value.split(".", 1)
        elif isinstance(node, yaml.SequenceNode):
            value = loader.construct_sequence(node, deep=True)
        else:
            value = loader.construct_mapping(node, deep=True)
        return {key: value}

    return construct


for _name in _INTRINSICS:
    _Loader.add_constructor(f"!{_name}", _make_constructor(_name))


def load_template(path: str | Path = DEFAULT_TEMPLATE) -> dict[str, Any]:
    with open(path, encoding="utf-8") as handle:
        return yaml.load(handle, Loader=_Loader)  # noqa: S506 - SafeLoader subclass


def resources_of_type(template: dict[str, Any], resource_type: str) -> dict[str, dict[str, Any]]:
    return {
        logical_id: resource
        for logical_id, resource in template.get("Resources", {}).items()
        if resource.get("Type") == resource_type
    }


def template_usage_plans(path: str | Path = DEFAULT_TEMPLATE) -> frozenset[str] | None:
    """The logical ids of the template's usage plans (the local gateway knows no other), or None
    where there is no template (the CLI run against AWS from an installed package)."""
    if not Path(path).exists():
        return None
    return frozenset(resources_of_type(load_template(path), "AWS::ApiGateway::UsagePlan"))
