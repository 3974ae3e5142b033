import threading
import uuid

import pytest

from tenantapi.errors import Conflict
from tenantapi.metadata.service import MetadataService
from tenantapi.storage.metadata_store import MetadataStore, SchemaConflict
from tenantapi.workspaces import create_workspace, find_workspace


def _name() -> str:
    return f"ws-{uuid.uuid4().hex[:10]}"


def test_a_created_workspace_loads_with_the_standard_objects_in_one_schema(dynamodb_backend):
    head = create_workspace(_name())
    schema = MetadataStore().load_schema(head.id)
    assert schema is not None and schema.version == head.schema_version == 1
    assert {o.name_singular for o in schema.objects} >= {"company", "person", "opportunity", "workspaceMember"}
    assert all(schema.object(f.object_id) is not None for f in schema.fields)


def test_workspace_names_are_unique_and_found_by_name_or_id(dynamodb_backend):
    name = _name()
    head = create_workspace(name)
    with pytest.raises(Conflict, match="already exists"):
        create_workspace(name)
    assert find_workspace(name).id == head.id
    assert find_workspace(head.id).name == name
    assert find_workspace("nobody-" + uuid.uuid4().hex) is None


def test_a_commit_from_a_stale_version_is_refused(dynamodb_backend):
    head = create_workspace(_name())
    store = MetadataStore()
    schema = store.load_schema(head.id)
    store.commit(head.id, schema.version, [schema.objects[0]])
    with pytest.raises(SchemaConflict):
        store.commit(head.id, schema.version, [schema.objects[0]])
    assert store.head(head.id).schema_version == schema.version + 1


@pytest.mark.dynamodb_local  # moto's in-memory backend is not thread-safe
def test_concurrent_changes_both_land_with_distinct_versions():
    head = create_workspace(_name())
    service = MetadataService()
    errors: list[Exception] = []

    def create(name: str) -> None:
        try:
            service.create_object(head.id, {"nameSingular": name, "namePlural": name + "s",
                                             "labelSingular": name, "labelPlural": name + "s"})
        except Exception as error:  # noqa: BLE001 - collected for the assertion
            errors.append(error)

    threads = [threading.Thread(target=create, args=(n,)) for n in ("alpha", "beta")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert errors == []
    schema = MetadataStore().load_schema(head.id)
    assert {"alpha", "beta"} <= {o.name_singular for o in schema.objects}
    assert schema.version == 3


def test_deleting_an_object_removes_its_fields_beyond_one_transaction(dynamodb_backend):
    head = create_workspace(_name())
    service = MetadataService()
    obj, _ = service.create_object(head.id, {"nameSingular": "wide", "namePlural": "wides", "labelSingular": "Wide", "labelPlural": "Wides"})
    for i in range(100):
        service.create_field(head.id, {"objectMetadataId": obj.id, "type": "TEXT", "name": f"column{i}", "label": f"Column {i}"})
    service.update_object(head.id, obj.id, {"isActive": False})
    service.delete_object(head.id, obj.id)
    schema = MetadataStore().load_schema(head.id)
    assert schema.object(obj.id) is None
    assert not [f for f in schema.fields if f.object_id == obj.id]
