"""The functions' environment on the local stack: template.yaml's, resolved as on Lambda, in one
process (function_environment.py)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from tenantapi_tools.local.api_model import load_api_model
from tenantapi_tools.local.function_environment import LOCAL_LAYER_BUILDS, process_environment
from tenantapi_tools.local.gateway import LocalGateway
from tenantapi_tools.local.tables import table_names
from tenantapi_tools.local.template import DEFAULT_TEMPLATE, TemplateError

from ..template_support import REPOSITORY, template_copy


def test_each_function_gets_the_globals_and_its_own_variables_resolved() -> None:
    functions = load_api_model(DEFAULT_TEMPLATE).functions
    tables = table_names()
    shared = {
        "METADATA_TABLE": tables["MetadataTable"],
        "RECORDS_TABLE": tables["RecordsTable"],
        "POWERTOOLS_SERVICE_NAME": "tenantapi",
        "POWERTOOLS_TRACE_DISABLED": "false",  # Tracing: Active
        "AWS_RETRY_MODE": "standard",
    }
    assert functions["AuthorizerFunction"].environment == shared
    assert functions["CoreApiFunction"].environment == {**shared, "RATE_LIMIT_LONG": "100", "RATE_LIMIT_SHORT": "100"}
    assert functions["MetadataApiFunction"].environment == {
        **shared, "RATE_LIMIT_LONG": "100", "RATE_LIMIT_SHORT": "100", "PLAYGROUND_ASSETS_DIR": "/opt/playground",
    }
    assert functions["MetadataApiFunction"].layers == ("EngineLayer", "PlaygroundLayer")


def test_parameter_overrides_reach_the_functions_variables() -> None:
    overrides = {"RateLimitPerMinute": "500", "RateLimitPerSecond": "7", "Tracing": "PassThrough"}
    core = load_api_model(DEFAULT_TEMPLATE, parameter_overrides=overrides).functions["CoreApiFunction"]
    assert (core.environment["RATE_LIMIT_LONG"], core.environment["RATE_LIMIT_SHORT"]) == ("500", "7")
    assert core.environment["POWERTOOLS_TRACE_DISABLED"] == "true"


def test_a_tables_ref_is_the_name_the_local_tables_are_created_with(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("METADATA_TABLE", "other-metadata")
    environment = load_api_model(DEFAULT_TEMPLATE).functions["CoreApiFunction"].environment
    assert environment["METADATA_TABLE"] == "other-metadata" == table_names()["MetadataTable"]


def test_opt_playground_is_the_local_build_of_the_playground_layer() -> None:
    environment = process_environment(load_api_model(DEFAULT_TEMPLATE).functions)
    assert LOCAL_LAYER_BUILDS["PlaygroundLayer"] == REPOSITORY / ".tools"  # make install's ARTIFACTS_DIR
    assert environment["PLAYGROUND_ASSETS_DIR"] == str(REPOSITORY / ".tools" / "playground")


def test_a_layer_path_of_a_function_without_a_locally_built_layer_is_refused(tmp_path: Path) -> None:
    template = template_copy(tmp_path, (r"RATE_LIMIT_LONG: !Ref RateLimitPerMinute", "RATE_LIMIT_LONG: !Ref RateLimitPerMinute\n          CA_BUNDLE: /opt/certs/ca.pem"))
    with pytest.raises(TemplateError) as refused:
        LocalGateway(template)
    assert str(refused.value) == (
        "CoreApiFunction.Environment.Variables.CA_BUNDLE: /opt/certs/ca.pem is a layer path, and none of its "
        "layers has a local build (function_environment.LOCAL_LAYER_BUILDS)"
    )


def test_two_functions_setting_one_variable_to_different_values_are_refused(tmp_path: Path) -> None:
    template = template_copy(tmp_path, (r"RATE_LIMIT_LONG: !Ref RateLimitPerMinute", "RATE_LIMIT_LONG: 3"))
    with pytest.raises(TemplateError) as refused:
        LocalGateway(template)
    assert str(refused.value) == (
        "CoreApiFunction and MetadataApiFunction set RATE_LIMIT_LONG to different values ('3' and '100'): "
        "the local runtime runs every function in one process, with one environment"
    )


def test_a_variable_lambda_reserves_is_refused(tmp_path: Path) -> None:
    template = template_copy(tmp_path, (r"AWS_RETRY_MODE: standard", "AWS_RETRY_MODE: standard\n        AWS_LAMBDA_FUNCTION_NAME: core"))
    with pytest.raises(TemplateError, match="^AuthorizerFunction.Environment.Variables.AWS_LAMBDA_FUNCTION_NAME: AWS_LAMBDA_FUNCTION_NAME is reserved by Lambda"):
        LocalGateway(template)


def test_an_intrinsic_without_a_local_value_is_refused_at_start_naming_function_and_variable(tmp_path: Path) -> None:
    template = template_copy(tmp_path, (r"PLAYGROUND_ASSETS_DIR: /opt/playground", "PLAYGROUND_ASSETS_DIR: !ImportValue shared-assets"))
    with pytest.raises(TemplateError) as refused:
        LocalGateway(template)
    assert str(refused.value) == "MetadataApiFunction.Environment.Variables.PLAYGROUND_ASSETS_DIR: Fn::ImportValue is not supported by the local stack"


def test_an_override_of_an_unknown_parameter_is_refused_by_the_gateway() -> None:
    with pytest.raises(TemplateError, match="parameter overrides name no parameter of the template: RateLimitPerHour"):
        LocalGateway(DEFAULT_TEMPLATE, parameter_overrides={"RateLimitPerHour": "5"})


def test_the_gateway_applies_the_environment_until_it_closes_and_never_names_a_lambda_function(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("RATE_LIMIT_LONG", raising=False)
    monkeypatch.setenv("RATE_LIMIT_SHORT", "from the shell")
    with LocalGateway(DEFAULT_TEMPLATE, parameter_overrides={"RateLimitPerMinute": "42"}):
        assert os.environ["RATE_LIMIT_LONG"] == "42"
        assert os.environ["RATE_LIMIT_SHORT"] == "100"
        assert os.environ["PLAYGROUND_ASSETS_DIR"] == str(REPOSITORY / ".tools" / "playground")
        # X-Ray stays off in this process (tenantapi.observability reads this as "on Lambda").
        assert "AWS_LAMBDA_FUNCTION_NAME" not in os.environ
    assert "RATE_LIMIT_LONG" not in os.environ
    assert os.environ["RATE_LIMIT_SHORT"] == "from the shell"
