"""The template's parameters: defaults, `sam deploy --parameter-overrides` and their constraints."""

from __future__ import annotations

import pytest
from tenantapi_tools.local.parameters import parameter_values, parse_parameter_overrides
from tenantapi_tools.local.template import TemplateError, load_template

TEMPLATE = load_template()


def test_overrides_are_read_as_sam_deploy_takes_them() -> None:
    assert parse_parameter_overrides("AuthorizerTtlSeconds=0 RateLimitPerMinute=500") == {
        "AuthorizerTtlSeconds": "0",
        "RateLimitPerMinute": "500",
    }
    assert parse_parameter_overrides("ParameterKey=Tracing,ParameterValue=PassThrough AlarmTopicArn=") == {
        "Tracing": "PassThrough",
        "AlarmTopicArn": "",
    }
    assert parse_parameter_overrides("StageName='a b' StageName=c") == {"StageName": "c"}
    assert parse_parameter_overrides("") == {}


@pytest.mark.parametrize("text", ["RateLimitPerMinute", "=5", "StageName='open"])
def test_an_override_that_is_not_name_equals_value_is_refused(text: str) -> None:
    with pytest.raises(TemplateError, match="parameter override"):
        parse_parameter_overrides(text)


def test_every_parameter_takes_its_default_as_a_string_unless_overridden() -> None:
    values = parameter_values(TEMPLATE, {"RateLimitPerMinute": "500"})
    assert values["RateLimitPerMinute"] == "500"
    assert values["AuthorizerTtlSeconds"] == "60"  # a YAML number, as CloudFormation hands it to Ref
    assert values["TableDeletionProtection"] == "true"
    assert values["AlarmTopicArn"] == ""


def test_an_override_of_an_unknown_parameter_is_refused() -> None:
    with pytest.raises(TemplateError, match="parameter overrides name no parameter of the template: RateLimit \\(it declares"):
        parameter_values(TEMPLATE, {"RateLimit": "5"})


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"AuthorizerTtlSeconds": "3601"}, "parameter AuthorizerTtlSeconds (override '3601'): above MaxValue 3600"),
        ({"AuthorizerTtlSeconds": "-1"}, "parameter AuthorizerTtlSeconds (override '-1'): below MinValue 0"),
        ({"RateLimitPerMinute": "0"}, "parameter RateLimitPerMinute (override '0'): below MinValue 1"),
        ({"RateLimitPerMinute": "many"}, "parameter RateLimitPerMinute (override 'many'): not a Number"),
        ({"LogRetentionDays": "2"}, "parameter LogRetentionDays (override '2'): not one of AllowedValues"),
        ({"Tracing": "On"}, "parameter Tracing (override 'On'): not one of AllowedValues ['Active', 'PassThrough']"),
    ],
)
def test_an_override_outside_the_parameters_constraints_is_refused(overrides: dict[str, str], message: str) -> None:
    with pytest.raises(TemplateError) as refused:
        parameter_values(TEMPLATE, overrides)
    assert str(refused.value).startswith(message)


def test_a_default_outside_the_constraints_is_refused_as_cloudformation_refuses_it() -> None:
    template = {"Parameters": {"Size": {"Type": "String", "Default": "huge", "AllowedPattern": "[a-z]{1,3}"}}}
    with pytest.raises(TemplateError, match="parameter Size \\(Default 'huge'\\): does not match AllowedPattern"):
        parameter_values(template)
    assert parameter_values(template, {"Size": "big"}) == {"Size": "big"}
