"""The standard objects every new workspace holds (docs/api.md §7.8):
company, person, opportunity, note, task, noteTarget, taskTarget and workspaceMember.

They are built with the planners' own building blocks (system fields, storage keys, index
slots, relation pairs), not through the planners: some standard names (`address`) are
reserved words for custom fields.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from .field_types import FieldType, OnDelete
from .model import FieldMetadata, ObjectMetadata, WorkspaceSchema, replace
from .rules_builders import FieldAllocator, RelationSide, build_relation_pair, build_system_fields

__all__ = ["build_standard_schema", "STANDARD_OBJECT_NAMES"]


@dataclass(frozen=True)
class _Field:
    name: str
    label: str
    type: FieldType
    icon: str
    description: str | None = None
    is_unique: bool = False
    default_value: Any = None
    options: tuple[tuple[str, str, str], ...] = ()  # (value, label, color)
    settings: dict[str, Any] | None = None


@dataclass(frozen=True)
class _Object:
    name_singular: str
    name_plural: str
    label_singular: str
    label_plural: str
    icon: str
    description: str
    fields: tuple[_Field, ...]
    label_field: str | None = None  # None: records are named by their id
    is_system: bool = False


@dataclass(frozen=True)
class _Relation:
    """`many.name` on `many.object` points at one record of `one.object`, which lists them as
    `one.name`."""

    many_object: str
    many_name: str
    many_label: str
    many_icon: str
    one_object: str
    one_name: str
    one_label: str
    one_icon: str
    on_delete: OnDelete = OnDelete.SET_NULL


_EMPTY_TEXT = "''"  # Twenty's SQL-literal default of a TEXT field: the empty string


def _text(name: str, label: str, icon: str, description: str, default: str = _EMPTY_TEXT) -> _Field:
    return _Field(name, label, FieldType.TEXT, icon, description, default_value=default)


def _links(name: str, label: str, icon: str, description: str, *, unique: bool = False) -> _Field:
    return _Field(name, label, FieldType.LINKS, icon, description, is_unique=unique)


_EMPTY_NAME = {"firstName": _EMPTY_TEXT, "lastName": _EMPTY_TEXT}

_OBJECTS: tuple[_Object, ...] = (
    _Object(
        "company", "companies", "Company", "Companies", "IconBuildingSkyscraper", "A company",
        label_field="name",
        fields=(
            _text("name", "Name", "IconBuildingSkyscraper", "The company name"),
            _links("domainName", "Domain", "IconLink", "The company website URL", unique=True),
            _Field(
                "employees", "Employees", FieldType.NUMBER, "IconUsers", "Number of employees in the company",
                settings={"dataType": "int"},
            ),
            _links("linkedinLink", "Linkedin", "IconBrandLinkedin", "The company Linkedin account"),
            _links("xLink", "X", "IconBrandX", "The company Twitter/X account"),
            _Field(
                "annualRecurringRevenue", "ARR", FieldType.CURRENCY, "IconMoneybag",
                "Annual Recurring Revenue: the actual or estimated annual revenue of the company",
            ),
            _Field("address", "Address", FieldType.ADDRESS, "IconMap", "Address of the company"),
            _Field(
                "idealCustomerProfile", "ICP", FieldType.BOOLEAN, "IconTarget",
                "Ideal Customer Profile: whether the company is the most suitable and valuable customer for you",
                default_value=False,
            ),
        ),
    ),
    _Object(
        "person", "people", "Person", "People", "IconUser", "A person",
        label_field="name",
        fields=(
            _Field("name", "Name", FieldType.FULL_NAME, "IconUser", "Contact's name", default_value=_EMPTY_NAME),
            _Field("emails", "Emails", FieldType.EMAILS, "IconMail", "Contact's emails", is_unique=True),
            _links("linkedinLink", "Linkedin", "IconBrandLinkedin", "Contact's Linkedin account"),
            _links("xLink", "X", "IconBrandX", "Contact's X/Twitter account"),
            _text("jobTitle", "Job Title", "IconBriefcase", "Contact's job title"),
            _Field("phones", "Phones", FieldType.PHONES, "IconPhone", "Contact's phone numbers"),
            _text("city", "City", "IconMap", "Contact's city"),
            _text("avatarUrl", "Avatar", "IconFileUpload", "Contact's avatar"),
        ),
    ),
    _Object(
        "opportunity", "opportunities", "Opportunity", "Opportunities", "IconTargetArrow", "An opportunity",
        label_field="name",
        fields=(
            _text("name", "Name", "IconTargetArrow", "The opportunity name"),
            _Field("amount", "Amount", FieldType.CURRENCY, "IconCurrencyDollar", "Opportunity amount"),
            _Field("closeDate", "Close date", FieldType.DATE_TIME, "IconCalendarEvent", "Opportunity close date"),
            _Field(
                "stage", "Stage", FieldType.SELECT, "IconProgressCheck", "Opportunity stage",
                default_value="'NEW'",
                options=(
                    ("NEW", "New", "red"), ("SCREENING", "Screening", "purple"), ("MEETING", "Meeting", "sky"),
                    ("PROPOSAL", "Proposal", "turquoise"), ("CUSTOMER", "Customer", "yellow"),
                ),
            ),
        ),
    ),
    _Object(
        "note", "notes", "Note", "Notes", "IconNotes", "A note",
        label_field="title",
        fields=(
            _text("title", "Title", "IconNotes", "Note title"),
            _Field("bodyV2", "Body", FieldType.RICH_TEXT, "IconFilePencil", "Note body"),
        ),
    ),
    _Object(
        "task", "tasks", "Task", "Tasks", "IconCheckbox", "A task",
        label_field="title",
        fields=(
            _text("title", "Title", "IconNotes", "Task title"),
            _Field("bodyV2", "Body", FieldType.RICH_TEXT, "IconFilePencil", "Task body"),
            _Field("dueAt", "Due Date", FieldType.DATE_TIME, "IconCalendarEvent", "Task due date"),
            _Field(
                "status", "Status", FieldType.SELECT, "IconCheck", "Task status",
                default_value="'TODO'",
                options=(("TODO", "To do", "sky"), ("IN_PROGRESS", "In progress", "purple"), ("DONE", "Done", "green")),
            ),
        ),
    ),
    _Object(
        "noteTarget", "noteTargets", "Note Target", "Note Targets", "IconCheckbox", "A note target",
        fields=(), is_system=True,
    ),
    _Object(
        "taskTarget", "taskTargets", "Task Target", "Task Targets", "IconCheckbox", "A task target",
        fields=(), is_system=True,
    ),
    _Object(
        "workspaceMember", "workspaceMembers", "Workspace Member", "Workspace Members", "IconUserCircle",
        "A workspace member",
        label_field="name",
        is_system=True,
        fields=(
            _Field(
                "name", "Name", FieldType.FULL_NAME, "IconCircleUsers", "Workspace member name",
                default_value=_EMPTY_NAME,
            ),
            _text("userEmail", "User Email", "IconMail", "Related user email address"),
            _text("avatarUrl", "Avatar Url", "IconFileUpload", "Workspace member avatar"),
            _text("colorScheme", "Color Scheme", "IconColorSwatch", "Preferred color scheme", "'System'"),
            _text("locale", "Language", "IconLanguage", "Preferred language", "'en'"),
            _text("timeZone", "Time zone", "IconTimezone", "User time zone", "'system'"),
            _Field(
                "dateFormat", "Date format", FieldType.SELECT, "IconCalendarEvent", "User's preferred date format",
                default_value="'SYSTEM'",
                options=(
                    ("SYSTEM", "System", "turquoise"), ("MONTH_FIRST", "Month First", "red"),
                    ("DAY_FIRST", "Day First", "purple"), ("YEAR_FIRST", "Year First", "sky"),
                ),
            ),
            _Field(
                "timeFormat", "Time format", FieldType.SELECT, "IconClock2", "User's preferred time format",
                default_value="'SYSTEM'",
                options=(("SYSTEM", "System", "sky"), ("HOUR_24", "24h", "red"), ("HOUR_12", "12h", "purple")),
            ),
            _Field("userId", "User Id", FieldType.UUID, "IconCircleUsers", "Associated user id"),
        ),
    ),
)

# In this order, per object, join columns take the first index slots (see _assign_slots).
_RELATIONS: tuple[_Relation, ...] = (
    _Relation("company", "accountOwner", "Account Owner", "IconUserCircle",
              "workspaceMember", "accountOwnerForCompanies", "Account Owner For Companies", "IconBriefcase"),
    _Relation("person", "company", "Company", "IconBuildingSkyscraper",
              "company", "people", "People", "IconUsers"),
    _Relation("opportunity", "company", "Company", "IconBuildingSkyscraper",
              "company", "opportunities", "Opportunities", "IconTargetArrow"),
    _Relation("opportunity", "pointOfContact", "Point of Contact", "IconUser",
              "person", "pointOfContactForOpportunities", "Linked Opportunities", "IconTargetArrow"),
    _Relation("opportunity", "owner", "Owner", "IconUserCircle",
              "workspaceMember", "ownedOpportunities", "Opportunities", "IconTargetArrow"),
    _Relation("task", "assignee", "Assignee", "IconUserCircle",
              "workspaceMember", "assignedTasks", "Assigned tasks", "IconCheckbox"),
    # A target only links a note or a task to a record: without either end it means nothing.
    *(
        _Relation(link, end, end_label, end_icon, end, f"{link}s", listed_label, listed_icon, OnDelete.CASCADE)
        for link, end, end_label, end_icon, listed_label, listed_icon in (
            ("noteTarget", "note", "Note", "IconNotes", "Relations", "IconArrowUpRight"),
            ("noteTarget", "person", "Person", "IconUser", "Notes", "IconNotes"),
            ("noteTarget", "company", "Company", "IconBuildingSkyscraper", "Notes", "IconNotes"),
            ("noteTarget", "opportunity", "Opportunity", "IconTargetArrow", "Notes", "IconNotes"),
            ("taskTarget", "task", "Task", "IconCheckbox", "Relations", "IconArrowUpRight"),
            ("taskTarget", "person", "Person", "IconUser", "Tasks", "IconCheckbox"),
            ("taskTarget", "company", "Company", "IconBuildingSkyscraper", "Tasks", "IconCheckbox"),
            ("taskTarget", "opportunity", "Opportunity", "IconTargetArrow", "Tasks", "IconCheckbox"),
        )
    ),
)

STANDARD_OBJECT_NAMES = tuple(spec.name_singular for spec in _OBJECTS)


def build_standard_schema(workspace_id: str, *, now: str, new_id: Callable[[], str]) -> WorkspaceSchema:
    """The schema of a new workspace (version 1): the standard objects with their system fields,
    fields, relations (both sides), storage keys and index slots."""
    empty = WorkspaceSchema(workspace_id=workspace_id, version=1, objects=(), fields=())
    allocator = FieldAllocator(empty)
    object_ids: dict[str, str] = {}
    fields: dict[str, list[FieldMetadata]] = {}
    for spec in _OBJECTS:
        obj = ObjectMetadata(
            id=new_id(),
            name_singular=spec.name_singular,
            name_plural=spec.name_plural,
            label_singular=spec.label_singular,
            label_plural=spec.label_plural,
            created_at=now,
            updated_at=now,
            description=spec.description,
            icon=spec.icon,
            is_custom=False,
            is_system=spec.is_system,
        )
        allocator.add_object(obj)
        object_ids[spec.name_singular] = obj.id
        fields[obj.id] = build_system_fields(obj.id, allocator, now=now, new_id=new_id)
        fields[obj.id] += [_field(obj.id, field, allocator, now=now, new_id=new_id) for field in spec.fields]

    for relation in _RELATIONS:
        many_id, one_id = object_ids[relation.many_object], object_ids[relation.one_object]
        many, one = build_relation_pair(
            allocator,
            many=RelationSide(many_id, relation.many_name, relation.many_label, relation.many_icon),
            one=RelationSide(one_id, relation.one_name, relation.one_label, relation.one_icon),
            on_delete=relation.on_delete,
            now=now,
            new_id=new_id,
            is_custom=False,
        )
        fields[many_id].append(many)
        fields[one_id].append(one)

    objects = []
    for spec in _OBJECTS:
        object_id = object_ids[spec.name_singular]
        label_name = spec.label_field or "id"
        fields[object_id] = _assign_slots(fields[object_id], label_name, object_id, allocator)
        label_field = next(f for f in fields[object_id] if f.name == label_name)
        objects.append(replace(allocator.object(object_id), label_identifier_field_id=label_field.id))
    return WorkspaceSchema(
        workspace_id=workspace_id,
        version=1,
        objects=tuple(objects),
        fields=tuple(f for obj in objects for f in fields[obj.id]),
    )


def _field(
    object_id: str, spec: _Field, allocator: FieldAllocator, *, now: str, new_id: Callable[[], str]
) -> FieldMetadata:
    options = [
        {"id": new_id(), "label": label, "value": value, "position": position, "color": color}
        for position, (value, label, color) in enumerate(spec.options)
    ]
    settings = spec.settings
    if spec.type is FieldType.NUMBER and settings is None:
        settings = {"dataType": "float"}
    return FieldMetadata(
        id=new_id(),
        object_id=object_id,
        name=spec.name,
        label=spec.label,
        type=spec.type,
        storage_key=allocator.storage_key(object_id),
        created_at=now,
        updated_at=now,
        description=spec.description,
        icon=spec.icon,
        is_custom=False,
        is_unique=spec.is_unique,
        default_value=dict(spec.default_value) if isinstance(spec.default_value, dict) else spec.default_value,
        options=options or None,
        settings=dict(settings) if settings is not None else None,
    )


def _assign_slots(
    fields: list[FieldMetadata], label_name: str, object_id: str, allocator: FieldAllocator
) -> list[FieldMetadata]:
    """Join columns already hold the first slots (given when their relation was built); then
    createdAt, updatedAt, the label field (its first sub-field for FULL_NAME) and position take
    what is left. The id needs none: it is the records' own sort key."""
    wanted = [name for name in ("createdAt", "updatedAt", label_name, "position") if name != "id"]
    result = list(fields)
    for name in wanted:
        slot = allocator.index_slot(object_id)
        if slot is None:
            break
        index = next(i for i, f in enumerate(result) if f.name == name)
        result[index] = replace(result[index], index_slot=slot)
    return result
