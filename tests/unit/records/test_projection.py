"""Projection: what depth=1 embeds, by the relations' targets and the caller's role."""

import pytest

from tenantapi.records.projection import Projection

from ..graphql.support import standard_schema


@pytest.fixture
def schema():
    return standard_schema()[0]


def _names(fields) -> set[str]:
    return {f.name for f in fields}


def test_depth_1_embeds_every_relation_the_role_reads(schema):
    company = schema.active_object_by_plural("companies")
    projection = Projection.build(schema, company, depth=1, fields=None, can_read=lambda _: True)
    assert {"people", "opportunities"} <= _names(projection.one_to_many)


def test_depth_1_embeds_no_relation_to_an_object_the_role_cannot_read(schema):
    company = schema.active_object_by_plural("companies")
    person = schema.active_object_by_plural("people")
    projection = Projection.build(schema, company, depth=1, fields=None, can_read=lambda object_id: object_id != person.id)
    assert "people" not in _names(projection.one_to_many) | _names(projection.many_to_one)
    assert "opportunities" in _names(projection.one_to_many)


def test_a_person_keeps_its_join_column_when_its_company_is_not_readable(schema):
    company = schema.active_object_by_plural("companies")
    person = schema.active_object_by_plural("people")
    projection = Projection.build(
        schema, person, depth=1, fields=["company", "city"], can_read=lambda object_id: object_id != company.id
    )
    assert projection.many_to_one == () and projection.one_to_many == ()
    assert projection.keep is not None and "companyId" in projection.keep
