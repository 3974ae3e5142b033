"""CloudFormation's intrinsics as the local stack resolves them (template.yaml and small templates)."""

from __future__ import annotations

from typing import Any

import pytest
from tenantapi_tools.local.intrinsics import Resolver, function_arn
from tenantapi_tools.local.template import TemplateError, load_template

TEMPLATE = load_template()
NAMES = {"MetadataTable": "meta-local", "RecordsTable": "records-local"}


def _resolver(template: dict[str, Any] = TEMPLATE, **overrides: str) -> Resolver:
    return Resolver(template, parameter_overrides=overrides, resource_names=NAMES)


def test_refs_give_parameters_pseudo_parameters_and_the_local_names_of_resources() -> None:
    resolver = _resolver(RateLimitPerMinute="7")
    assert resolver.value({"Ref": "RateLimitPerMinute"}, "here") == "7"
    assert resolver.value({"Ref": "AWS::Region"}, "here") == "us-east-1"
    assert resolver.value({"Ref": "MetadataTable"}, "here") == "meta-local"
    assert resolver.value({"Ref": "CoreApiFunction"}, "here") == "CoreApiFunction"
    assert resolver.value({"Ref": "Api.Stage"}, "here") == "prod"
    assert resolver.value({"Fn::GetAtt": ["AuthorizerFunction", "Arn"]}, "here") == function_arn("AuthorizerFunction")
    assert resolver.value({"Fn::GetAtt": ["RecordsTable", "Arn"]}, "here") == (
        "arn:aws:dynamodb:us-east-1:123456789012:table/records-local"
    )


def test_the_templates_conditions_follow_its_parameters() -> None:
    assert _resolver().condition("TracingOn", "here") is True
    assert _resolver(Tracing="PassThrough").condition("TracingOn", "here") is False
    assert _resolver().condition("HasAlarmTopic", "here") is False
    assert _resolver(AlarmTopicArn="arn:aws:sns:us-east-1:123456789012:alarms").condition("HasAlarmTopic", "here") is True
    trace_setting = TEMPLATE["Globals"]["Function"]["Environment"]["Variables"]["POWERTOOLS_TRACE_DISABLED"]
    assert _resolver().value(trace_setting, "here") == "false"
    assert _resolver(Tracing="PassThrough").value(trace_setting, "here") == "true"


def test_and_or_not_and_named_conditions_combine() -> None:
    template = {
        "Parameters": {"Env": {"Type": "String", "Default": "dev"}, "Size": {"Type": "Number", "Default": 3}},
        "Conditions": {
            "IsDev": {"Fn::Equals": [{"Ref": "Env"}, "dev"]},
            "IsThree": {"Fn::Equals": [{"Ref": "Size"}, 3]},  # compared as text, as CloudFormation does
            "Both": {"Fn::And": [{"Condition": "IsDev"}, {"Condition": "IsThree"}]},
            "Either": {"Fn::Or": [{"Fn::Not": [{"Condition": "IsDev"}]}, {"Condition": "IsThree"}]},
        },
    }
    assert _resolver(template).condition("Both", "here") is True
    assert _resolver(template, Env="prod").condition("Both", "here") is False
    assert _resolver(template, Env="prod", Size="4").condition("Either", "here") is True
    assert _resolver(template, Size="4").condition("Either", "here") is False


def test_an_if_choosing_no_value_removes_the_property() -> None:
    raw = {"Keep": 1, "Drop": {"Fn::If": ["HasAlarmTopic", "x", {"Ref": "AWS::NoValue"}]}}
    assert _resolver().value(raw, "here") == {"Keep": 1}
    assert _resolver().value([{"Ref": "AWS::NoValue"}, "a"], "here") == ["a"]


def test_sub_join_select_and_split() -> None:
    resolver = _resolver()
    assert resolver.value({"Fn::Sub": "${AWS::StackName}-api"}, "here") == "local-api"
    assert resolver.value({"Fn::Sub": "${!Literal} ${StageName}/${MetadataTable}"}, "here") == "${Literal} prod/meta-local"
    assert resolver.value({"Fn::Sub": ["${Name}-${AWS::Region}", {"Name": {"Ref": "StageName"}}]}, "here") == "prod-us-east-1"
    assert resolver.value({"Fn::Join": ["/", ["a", {"Ref": "StageName"}, 3]]}, "here") == "a/prod/3"
    assert resolver.value({"Fn::Select": [1, {"Fn::Split": [",", "x,y,z"]}]}, "here") == "y"


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"Fn::ImportValue": "shared-table"}, "F.Environment.Variables.X: Fn::ImportValue is not supported by the local stack"),
        ({"Fn::GetAtt": ["RecordsTable", "StreamArn"]}, "F.Environment.Variables.X: Fn::GetAtt RecordsTable.StreamArn has no local value"),
        ({"Ref": "Nowhere"}, "F.Environment.Variables.X: Ref to 'Nowhere', which is no parameter"),
        ({"Ref": "Api5xxAlarm"}, "F.Environment.Variables.X: Ref Api5xxAlarm: the local stack has no name for a AWS::CloudWatch::Alarm"),
        ({"Fn::If": ["NoSuchCondition", "a", "b"]}, "F.Environment.Variables.X: no condition 'NoSuchCondition'"),
    ],
)
def test_what_has_no_local_value_is_an_error_naming_the_place_and_the_intrinsic(raw: Any, message: str) -> None:
    with pytest.raises(TemplateError) as refused:
        _resolver().value(raw, "F.Environment.Variables.X")
    assert str(refused.value).startswith(message)


def test_a_parameter_without_default_or_override_is_an_error_where_it_is_used() -> None:
    template = {"Parameters": {"Secret": {"Type": "String"}}}
    with pytest.raises(TemplateError, match="^F.X: Ref Secret: the parameter has no Default and no override$"):
        _resolver(template).value({"Ref": "Secret"}, "F.X")
    assert _resolver(template, Secret="s").value({"Ref": "Secret"}, "F.X") == "s"


def test_conditions_in_a_cycle_are_refused() -> None:
    template = {"Conditions": {"A": {"Condition": "B"}, "B": {"Fn::Not": [{"Condition": "A"}]}}}
    with pytest.raises(TemplateError, match="cycle: A -> B -> A"):
        _resolver(template).condition("A", "here")
