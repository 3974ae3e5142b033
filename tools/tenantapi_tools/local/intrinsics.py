"""CloudFormation's intrinsic functions, resolved as a stack of the local twin would resolve them.

One resolver serves the whole local stack: the gateway's model (ReauthorizeEvery, RestApiId, the
authorizer's FunctionArn) and the functions' environment (table names, rate limits, conditions)
read the template through it, with the same parameter values. A resource resolves to the name the
local stack gives it: a table to its local table name (tables.py), a function, API, usage plan
or layer to its logical id. What has no local value (an import from another stack, an attribute
the local stack does not have) is a TemplateError naming the place and the intrinsic, never a
guess.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from tenantapi_tools.local.parameters import parameter_values
from tenantapi_tools.local.template import TemplateError

__all__ = ["NO_VALUE", "PSEUDO_PARAMETERS", "Resolver", "function_arn"]

# The account and Region of the local stack, as the pseudo parameters give them.
PSEUDO_PARAMETERS: dict[str, str] = {
    "AWS::Region": "us-east-1",
    "AWS::AccountId": "123456789012",
    "AWS::StackName": "local",
    "AWS::Partition": "aws",
    "AWS::URLSuffix": "amazonaws.com",
}


class _NoValue:
    def __repr__(self) -> str:
        return "AWS::NoValue"


# `!Ref AWS::NoValue`: the property (or list item) is removed, as if it were not written.
NO_VALUE: Any = _NoValue()

# Resources the local stack names by their logical id (a function's name is its logical id).
_NAMED_BY_LOGICAL_ID = frozenset({
    "AWS::Serverless::Function", "AWS::Lambda::Function", "AWS::Serverless::Api", "AWS::ApiGateway::RestApi",
    "AWS::ApiGateway::UsagePlan", "AWS::Serverless::LayerVersion", "AWS::Lambda::LayerVersion",
})
_FUNCTION_TYPES = frozenset({"AWS::Serverless::Function", "AWS::Lambda::Function"})
_TABLE_TYPE = "AWS::DynamoDB::Table"
_SUB_VARIABLE = re.compile(r"\$\{([^}]*)\}")


def function_arn(name: str) -> str:
    """The ARN of a function of the local stack (what `!GetAtt Function.Arn` gives)."""
    return f"arn:aws:lambda:{PSEUDO_PARAMETERS['AWS::Region']}:{PSEUDO_PARAMETERS['AWS::AccountId']}:function:{name}"


class Resolver:
    """The template's values with every intrinsic resolved (`value`), and its conditions."""

    def __init__(
        self,
        template: Mapping[str, Any],
        *,
        parameter_overrides: Mapping[str, str] | None = None,
        resource_names: Mapping[str, str] | None = None,
    ) -> None:
        """`resource_names`: logical id -> the local stack's name of a resource that is not
        named by its logical id (the tables: tables.table_names())."""
        self._template = template
        self.parameters = parameter_values(template, parameter_overrides)
        self._resources: Mapping[str, Mapping[str, Any]] = template.get("Resources") or {}
        self._names = dict(resource_names or {})
        self._conditions: dict[str, bool] = {}
        self._evaluating: list[str] = []

    def value(self, raw: Any, what: str) -> Any:
        """`raw` with every intrinsic in it resolved; None where it resolves to AWS::NoValue.
        `what` says where `raw` is written, for error messages."""
        resolved = self._resolve(raw, what)
        return None if resolved is NO_VALUE else resolved

    def condition(self, name: str, what: str) -> bool:
        """The value of the template's condition `name` (memoised; a cycle is an error)."""
        if name in self._conditions:
            return self._conditions[name]
        definitions = self._template.get("Conditions") or {}
        if name not in definitions:
            raise TemplateError(f"{what}: no condition {name!r} in the template's Conditions")
        if name in self._evaluating:
            raise TemplateError(f"{what}: conditions refer to each other in a cycle: {' -> '.join([*self._evaluating, name])}")
        self._evaluating.append(name)
        try:
            result = self._truth(definitions[name], f"Conditions.{name}")
        finally:
            self._evaluating.pop()
        self._conditions[name] = result
        return result

    def exists(self, logical_id: str) -> bool:
        """Whether the resource is created: a resource with a false `Condition` is not."""
        name = self._resources[logical_id].get("Condition")
        return name is None or self.condition(str(name), f"{logical_id}.Condition")

    # -- resolution ------------------------------------------------------------------------

    def _resolve(self, raw: Any, what: str) -> Any:
        if isinstance(raw, list):
            items = [self._resolve(item, what) for item in raw]
            return [item for item in items if item is not NO_VALUE]
        if not isinstance(raw, dict):
            return raw
        if len(raw) == 1:
            (key, argument), = raw.items()
            if key == "Ref":
                return self._ref(argument, what)
            if key.startswith("Fn::"):
                return self._function(key, argument, what)
        resolved = {key: self._resolve(item, what) for key, item in raw.items()}
        return {key: item for key, item in resolved.items() if item is not NO_VALUE}

    def _ref(self, name: Any, what: str) -> Any:
        if not isinstance(name, str):
            raise TemplateError(f"{what}: Ref takes a name, not {name!r}")
        if name == "AWS::NoValue":
            return NO_VALUE
        if name in PSEUDO_PARAMETERS:
            return PSEUDO_PARAMETERS[name]
        if name in self.parameters:
            return self._parameter(name, what)
        logical_id, _, stage = name.partition(".")
        resource = self._resources.get(logical_id)
        if resource is None:
            raise TemplateError(f"{what}: Ref to {name!r}, which is no parameter, pseudo parameter or resource of the template")
        if stage == "Stage" and resource.get("Type") == "AWS::Serverless::Api":
            # SAM's `Api.Stage`: the name of the stage the API is deployed to.
            return self._resolve((resource.get("Properties") or {}).get("StageName"), what)
        if not stage and logical_id in self._names:
            return self._names[logical_id]
        if not stage and resource.get("Type") in _NAMED_BY_LOGICAL_ID:
            return logical_id
        raise TemplateError(f"{what}: Ref {name}: the local stack has no name for a {resource.get('Type')}")

    def _parameter(self, name: str, what: str) -> Any:
        value = self.parameters[name]
        if value is None:
            raise TemplateError(f"{what}: Ref {name}: the parameter has no Default and no override")
        kind = (self._template["Parameters"][name] or {}).get("Type", "String")
        if kind in ("String", "Number"):
            return value
        if kind == "CommaDelimitedList":
            return value.split(",")
        raise TemplateError(f"{what}: Ref {name}: parameters of Type {kind} have no local value")

    def _function(self, key: str, argument: Any, what: str) -> Any:
        if key == "Fn::If":
            if not isinstance(argument, list) or len(argument) != 3:
                raise TemplateError(f"{what}: Fn::If takes [condition, value if true, value if false]")
            chosen = argument[1] if self.condition(str(argument[0]), what) else argument[2]
            return self._resolve(chosen, what)
        if key == "Fn::GetAtt":
            logical_id, attribute = argument if isinstance(argument, list) else str(argument).split(".", 1)
            return self._attribute(str(logical_id), str(attribute), what)
        if key == "Fn::Sub":
            return self._sub(argument, what)
        if key == "Fn::Join":
            delimiter, items = self._resolve(argument, what)
            return str(delimiter).join(self._text(item, "Fn::Join", what) for item in items)
        if key == "Fn::Select":
            index, items = self._resolve(argument, what)
            return items[int(index)]
        if key == "Fn::Split":
            delimiter, text = self._resolve(argument, what)
            return self._text(text, "Fn::Split", what).split(str(delimiter))
        if key == "Fn::FindInMap":
            table, top, second = self._resolve(argument, what)[:3]
            try:
                return self._resolve(self._template["Mappings"][table][top][second], what)
            except (KeyError, TypeError):
                raise TemplateError(f"{what}: Fn::FindInMap finds no {table}.{top}.{second} in the template's Mappings") from None
        raise TemplateError(f"{what}: {key} is not supported by the local stack")

    def _attribute(self, logical_id: str, attribute: str, what: str) -> str:
        resource_type = (self._resources.get(logical_id) or {}).get("Type")
        if resource_type in _FUNCTION_TYPES and attribute == "Arn":
            return function_arn(logical_id)
        if resource_type == _TABLE_TYPE and attribute == "Arn" and logical_id in self._names:
            region, account = PSEUDO_PARAMETERS["AWS::Region"], PSEUDO_PARAMETERS["AWS::AccountId"]
            return f"arn:aws:dynamodb:{region}:{account}:table/{self._names[logical_id]}"
        raise TemplateError(f"{what}: Fn::GetAtt {logical_id}.{attribute} has no local value")

    def _sub(self, argument: Any, what: str) -> str:
        text, variables = (argument, {}) if isinstance(argument, str) else argument
        values = {name: self._resolve(value, what) for name, value in (variables or {}).items()}

        def replace(match: re.Match[str]) -> str:
            name = match[1]
            if name.startswith("!"):  # ${!Literal} is written out as ${Literal}
                return "${" + name[1:] + "}"
            if name in values:
                return self._text(values[name], "Fn::Sub", what)
            if "." in name and name.split(".", 1)[0] not in self.parameters and name.split(".", 1)[1] != "Stage":
                logical_id, attribute = name.split(".", 1)
                return self._attribute(logical_id, attribute, what)
            return self._text(self._ref(name, what), "Fn::Sub", what)

        return _SUB_VARIABLE.sub(replace, str(text))

    def _truth(self, raw: Any, what: str) -> bool:
        if isinstance(raw, dict) and len(raw) == 1:
            (key, argument), = raw.items()
            if key == "Condition":
                return self.condition(str(argument), what)
            if key == "Fn::Equals":
                left, right = (self._text(self._resolve(side, what), key, what) for side in argument)
                return left == right
            if key == "Fn::Not":
                return not self._truth(argument[0], what)
            if key == "Fn::And":
                return all(self._truth(part, what) for part in argument)
            if key == "Fn::Or":
                return any(self._truth(part, what) for part in argument)
        raise TemplateError(f"{what}: a condition is Fn::Equals, Fn::Not, Fn::And, Fn::Or or Condition, not {raw!r}")

    @staticmethod
    def _text(value: Any, intrinsic: str, what: str) -> str:
        # CloudFormation compares and joins values as text: a YAML number or boolean as written.
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, (str, int, float)):
            return str(value)
        raise TemplateError(f"{what}: {intrinsic} needs a string, not {value!r}")
