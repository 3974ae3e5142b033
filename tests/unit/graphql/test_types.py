"""The generated schema: Twenty's names, field types, filter and order inputs, enums, relations."""

from __future__ import annotations

from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLObjectType,
    GraphQLSchema,
    assert_valid_schema,
    build_client_schema,
    get_introspection_query,
    graphql_sync,
    print_schema,
    print_type,
)

from tenantapi.graphql.schema import build_core_schema
from tenantapi.metadata.model import WorkspaceSchema, replace

from .support import large_schema, standard_schema, with_object


def _type(schema: GraphQLSchema, name: str) -> str:
    named = schema.get_type(name)
    assert named is not None, name
    return print_type(named)


def _fields(schema: GraphQLSchema, name: str) -> dict[str, str]:
    named = schema.get_type(name)
    assert isinstance(named, (GraphQLObjectType, GraphQLInputObjectType)), name
    return {field_name: str(field.type) for field_name, field in named.fields.items()}


def test_operations_are_named_as_twenty_names_them(core):
    assert {"person", "people", "company", "companies", "opportunity", "opportunities", "invoice", "invoices"} <= set(core.query_type.fields)
    mutations = set(core.mutation_type.fields)
    for verb in ("create", "update", "delete", "destroy", "restore"):
        assert {f"{verb}Person", f"{verb}People", f"{verb}Invoice", f"{verb}Invoices", f"{verb}Opportunities"} <= mutations


def test_operation_arguments_and_results_follow_twenty(core):
    query, mutation = core.query_type.fields, core.mutation_type.fields
    assert {name: str(arg.type) for name, arg in query["people"].args.items()} == {
        "filter": "PersonFilterInput", "orderBy": "[PersonOrderByInput]", "first": "Int", "last": "Int",
        "before": "String", "after": "String",
    }
    assert str(query["people"].type) == "PersonConnection!"
    assert {name: str(arg.type) for name, arg in query["person"].args.items()} == {"filter": "PersonFilterInput!"}
    assert str(query["person"].type) == "Person"
    assert {n: str(a.type) for n, a in mutation["createPeople"].args.items()} == {"data": "[PersonCreateInput!]!", "upsert": "Boolean"}
    assert str(mutation["createPeople"].type) == "[Person!]"
    assert {n: str(a.type) for n, a in mutation["createPerson"].args.items()} == {"data": "PersonCreateInput!", "upsert": "Boolean"}
    assert {n: str(a.type) for n, a in mutation["updatePerson"].args.items()} == {"id": "UUID!", "data": "PersonUpdateInput!"}
    assert {n: str(a.type) for n, a in mutation["updatePeople"].args.items()} == {"data": "PersonUpdateInput!", "filter": "PersonFilterInput!"}
    for verb in ("delete", "destroy", "restore"):
        assert {n: str(a.type) for n, a in mutation[f"{verb}Person"].args.items()} == {"id": "UUID!"}
        assert {n: str(a.type) for n, a in mutation[f"{verb}People"].args.items()} == {"filter": "PersonFilterInput!"}


def test_person_has_system_fields_composites_and_both_relation_sides(core):
    person = _fields(core, "Person")
    assert person["id"] == "UUID!"
    assert {k: person[k] for k in ("createdAt", "updatedAt", "deletedAt", "createdBy", "updatedBy", "position")} == {
        "createdAt": "DateTime", "updatedAt": "DateTime", "deletedAt": "DateTime", "createdBy": "Actor",
        "updatedBy": "Actor", "position": "Position",
    }
    assert person["name"] == "FullName" and person["emails"] == "Emails" and person["phones"] == "Phones"
    assert person["companyId"] == "ID" and person["company"] == "Company"
    company = core.get_type("Company")
    people = company.fields["people"]
    assert str(people.type) == "PersonConnection"
    assert set(people.args) == {"filter", "orderBy", "first", "last", "before", "after"}
    assert _fields(core, "Company")["employees"] == "Int"
    assert _fields(core, "Company")["annualRecurringRevenue"] == "Currency"


def test_connections_edges_and_page_info(core):
    assert _fields(core, "PersonConnection") == {"edges": "[PersonEdge!]!", "pageInfo": "PageInfo!", "totalCount": "Int!"}
    assert _fields(core, "PersonEdge") == {"node": "Person!", "cursor": "Cursor!"}
    assert _fields(core, "PageInfo") == {
        "startCursor": "Cursor", "endCursor": "Cursor", "hasNextPage": "Boolean!", "hasPreviousPage": "Boolean!",
    }


def test_filter_input_has_a_filter_per_field_and_and_or_not(core):
    filters = _fields(core, "PersonFilterInput")
    assert filters["id"] == "UUIDFilter"
    assert filters["companyId"] == "IDFilter"
    assert filters["name"] == "FullNameFilterInput"
    assert filters["city"] == "StringFilter"
    assert filters["createdAt"] == "DateTimeFilter"
    assert filters["position"] == "FloatFilter"
    assert filters["and"] == "[PersonFilterInput]" and filters["or"] == "[PersonFilterInput]" and filters["not"] == "PersonFilterInput"
    assert "company" not in filters and "pointOfContactForOpportunities" not in filters
    assert _fields(core, "FullNameFilterInput") == {"firstName": "StringFilter", "lastName": "StringFilter"}
    assert _fields(core, "CurrencyFilterInput") == {"amountMicros": "BigFloatFilter", "currencyCode": "StringFilter"}
    assert _fields(core, "ActorFilterInput")["source"] == "ActorSourceEnumFilter"


def test_primitive_filters_offer_the_contract_operators(core):
    assert set(_fields(core, "StringFilter")) == {"eq", "neq", "in", "like", "ilike", "startsWith", "endsWith", "gt", "gte", "lt", "lte", "is"}
    assert _fields(core, "StringFilter")["in"] == "[String!]"
    for name in ("FloatFilter", "IntFilter", "DateTimeFilter", "DateFilter", "BigFloatFilter"):
        assert set(_fields(core, name)) == {"eq", "neq", "in", "gt", "gte", "lt", "lte", "is"}, name
    assert _fields(core, "BooleanFilter") == {"eq": "Boolean", "is": "FilterIs"}
    assert set(_fields(core, "UUIDFilter")) == {"eq", "neq", "in", "is"}
    assert _fields(core, "IDFilter")["eq"] == "ID"


def test_select_fields_get_an_enum_and_its_filter(core):
    stage = core.get_type("OpportunityStageEnum")
    assert isinstance(stage, GraphQLEnumType)
    assert list(stage.values) == ["NEW", "SCREENING", "MEETING", "PROPOSAL", "CUSTOMER"]
    assert _fields(core, "Opportunity")["stage"] == "OpportunityStageEnum"
    assert _fields(core, "OpportunityStageEnumFilter") == {
        "eq": "OpportunityStageEnum", "neq": "OpportunityStageEnum", "in": "[OpportunityStageEnum!]", "is": "FilterIs",
    }
    assert _fields(core, "Invoice")["tags"] == "[InvoiceTagsEnum]"
    assert _fields(core, "InvoiceCreateInput")["tags"] == "[InvoiceTagsEnum!]"
    assert _fields(core, "InvoiceTagsEnumFilter") == {"containsAny": "[InvoiceTagsEnum!]", "is": "FilterIs", "isEmptyArray": "Boolean"}
    assert _fields(core, "OpportunityCreateInput")["stage"] == "OpportunityStageEnum"


def test_shared_enums(core):
    assert list(core.get_type("FilterIs").values) == ["NULL", "NOT_NULL"]
    assert list(core.get_type("OrderByDirection").values) == ["AscNullsFirst", "AscNullsLast", "DescNullsFirst", "DescNullsLast"]


def test_order_by_input_takes_directions_and_composite_sub_fields(core):
    order = _fields(core, "PersonOrderByInput")
    assert order["city"] == "OrderByDirection" and order["companyId"] == "OrderByDirection"
    assert order["name"] == "FullNameOrderByInput"
    assert _fields(core, "FullNameOrderByInput") == {"firstName": "OrderByDirection", "lastName": "OrderByDirection"}
    assert _fields(core, "EmailsOrderByInput") == {"primaryEmail": "OrderByDirection"}  # a list cannot be ordered
    assert "tags" not in _fields(core, "InvoiceOrderByInput")


def test_create_and_update_inputs_hold_the_writable_fields(core):
    create, update = _fields(core, "PersonCreateInput"), _fields(core, "PersonUpdateInput")
    assert create["id"] == "UUID" and create["companyId"] == "ID" and create["name"] == "FullNameCreateInput"
    assert "createdAt" in create and "createdAt" not in update
    for server_set in ("updatedAt", "deletedAt"):
        assert server_set not in create and server_set not in update
    assert "id" not in update and update["name"] == "FullNameUpdateInput"
    assert "company" not in create and "pointOfContactForOpportunities" not in create
    assert _fields(core, "ActorCreateInput") == {"source": "ActorSourceEnum", "context": "RawJSON"}


def test_every_scalar_of_the_contract_is_in_the_schema(core):
    for name in ("UUID", "DateTime", "Date", "JSON", "RawJSON", "BigFloat", "Position", "Cursor"):
        assert core.get_type(name) is not None, name


def test_inactive_fields_and_objects_disappear_with_the_relations_to_them(with_invoice: WorkspaceSchema):
    person = with_invoice.active_object_by_singular("person")
    company = with_invoice.active_object_by_singular("company")
    city = with_invoice.field_named(person.id, "city")
    schema = with_invoice.with_changes(fields=[replace(city, is_active=False)], objects=[replace(company, is_active=False)], version=99)
    core = build_core_schema(schema)
    assert "city" not in _fields(core, "Person") and "city" not in _fields(core, "PersonFilterInput")
    assert core.get_type("Company") is None and "companies" not in core.query_type.fields
    assert "company" not in _fields(core, "Person") and "invoices" not in _fields(core, "Person")
    assert _fields(core, "Person")["companyId"] == "ID"  # the join column is a field of person


def test_a_custom_object_appears_with_all_its_operations(core):
    assert _fields(core, "Invoice")["companyId"] == "ID" and _fields(core, "Invoice")["company"] == "Company"
    assert str(core.get_type("Company").fields["invoices"].type) == "InvoiceConnection"
    assert _fields(core, "Invoice")["amount"] == "Int"


def test_an_object_whose_names_clash_is_left_out_and_the_rest_stays():
    schema, new_id = standard_schema()
    schema = with_object(schema, new_id, "pageInfo", "pageInfos")
    core = build_core_schema(schema)
    assert "pageInfos" not in core.query_type.fields and "people" in core.query_type.fields
    assert _fields(core, "PageInfo")["hasNextPage"] == "Boolean!"


def test_shared_types_are_the_same_objects_in_every_workspace():
    first, second = build_core_schema(standard_schema("ws-a")[0]), build_core_schema(standard_schema("ws-b")[0])
    for name in ("StringFilter", "FullName", "FullNameFilterInput", "PageInfo", "OrderByDirection", "UUID"):
        assert first.get_type(name) is second.get_type(name), name
    assert first.get_type("Person") is not second.get_type("Person")


def test_introspection_describes_the_schema_a_client_can_rebuild(core):
    result = graphql_sync(core, get_introspection_query(descriptions=True))
    assert result.errors is None
    rebuilt = build_client_schema(result.data)
    assert print_schema(rebuilt) == print_schema(core)


def test_a_large_workspace_builds_a_valid_schema_with_every_field_type():
    schema = large_schema(objects=10, fields=20)
    core = build_core_schema(schema)
    assert_valid_schema(core)
    thing = _fields(core, "ThingA")
    assert thing["field0"] == "String" and thing["field1"] == "Int" and thing["field2"] == "Float"
    assert thing["field3"] == "BigFloat" and thing["field8"] == "ThingAField8Enum" and thing["field11"] == "[String]"
    assert thing["field13"] == "FullName" and thing["field18"] == "Address" and thing["company"] == "Company"
    assert _fields(core, "ThingAFilterInput")["field11"] == "ArrayFilter"
    assert _fields(core, "ThingAFilterInput")["field12"] == "RawJsonFilter"
    assert set(_fields(core, "ThingAField8EnumFilter")) == {"eq", "neq", "in", "gt", "gte", "lt", "lte", "is"}  # RATING
    assert "thingAs" in core.query_type.fields and "thingJs" in core.query_type.fields
