"""Synthetic, realistic records: companies (parents) and people (children, ~20 fields).

Deterministic (seeded). A few values are planted in fixed numbers whatever the size, so that the
indexed operations read the same number of items at 1,000 and at 10,000 records:
- BIG_COMPANY has BIG_COMPANY_PEOPLE people (one-to-many traversal);
- PLANTED_FIRST_NAME is the first name of PLANTED_NAME_COUNT people (indexed equality);
- RARE_CITY is the city of RARE_CITY_COUNT people (selective predicate on an unindexed field).
"""

from __future__ import annotations

import random
import uuid
from datetime import datetime, timedelta, timezone
from typing import Any, Iterator

from . import encoding as enc

__all__ = [
    "Record", "PERSON_FIELDS", "COMPANY_FIELDS", "people", "companies", "person_slots",
    "company_slots", "BIG_COMPANY_PEOPLE", "PLANTED_FIRST_NAME", "PLANTED_NAME_COUNT", "RARE_CITY",
    "RARE_CITY_COUNT", "PEOPLE_PER_COMPANY",
]

Record = dict[str, Any]  # storage key -> value; "id" is the record id (kept in the sort key)

# Field name -> storage key, in the order of Twenty's person (docs/api.md §7.8) plus
# custom fields of a typical CRM; 21 fields with the system fields.
PERSON_FIELDS = {
    "name": "a1", "emails": "a2", "linkedinLink": "a3", "xLink": "a4", "jobTitle": "a5",
    "phones": "a6", "city": "a7", "avatarUrl": "a8", "position": "a9", "createdAt": "a10",
    "updatedAt": "a11", "createdBy": "a12", "updatedBy": "a13", "companyId": "a14",
    "intro": "a15", "whatsapp": "a16", "workPreference": "a17", "performanceRating": "a18",
    "seniority": "a19", "yearsOfExperience": "a20", "deletedAt": "a21",
}
COMPANY_FIELDS = {
    "name": "a1", "domainName": "a2", "employees": "a3", "linkedinLink": "a4", "xLink": "a5",
    "annualRecurringRevenue": "a6", "address": "a7", "idealCustomerProfile": "a8", "position": "a9",
    "createdAt": "a10", "updatedAt": "a11", "createdBy": "a12", "updatedBy": "a13",
    "accountOwnerId": "a14", "deletedAt": "a21",
}

PEOPLE_PER_COMPANY = 20
BIG_COMPANY_PEOPLE = 150
PLANTED_FIRST_NAME = "Zelda"
PLANTED_NAME_COUNT = 100
RARE_CITY = "Reykjavik"
RARE_CITY_COUNT = 5

_FIRST = ("James Mary Robert Patricia John Jennifer Michael Linda David Elizabeth William Barbara "
          "Richard Susan Joseph Jessica Thomas Sarah Charles Karen Christopher Lisa Daniel Nancy "
          "Matthew Betty Anthony Sandra Mark Margaret Donald Ashley Steven Kimberly Andrew Emily "
          "Paul Donna Joshua Michelle Kenneth Carol Kevin Amanda Brian Melissa George Deborah Timothy "
          "Stephanie Ronald Rebecca Jason Sharon Edward Laura Jeffrey Cynthia Ryan Dorothy Jacob Amy "
          "Gary Kathleen Nicholas Angela Eric Shirley Jonathan Emma Stephen Brenda Larry Pamela Justin "
          "Nicole Scott Anna Brandon Samantha Benjamin Katherine Samuel Christine Gregory Debra").split()
_LAST = ("Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez Lopez "
         "Gonzalez Wilson Anderson Thomas Taylor Moore Jackson Martin Lee Perez Thompson White Harris "
         "Sanchez Clark Ramirez Lewis Robinson Walker Young Allen King Wright Scott Torres Nguyen Hill "
         "Flores Green Adams Nelson Baker Hall Rivera Campbell Mitchell Carter Roberts Dubois Muller "
         "Rossi Novak Kowalski Jensen Larsen Tanaka Sato Kim Park Chen Wang Silva Santos").split()
_CITIES = ("Paris London Berlin Madrid Rome Lisbon Amsterdam Brussels Vienna Prague Warsaw Dublin "
           "Copenhagen Stockholm Oslo Helsinki Zurich Geneva Milan Barcelona Munich Hamburg Lyon "
           "Seattle Boston Austin Chicago Denver Toronto Montreal Vancouver Sydney Melbourne Tokyo "
           "Singapore Seoul Bangalore Dubai").split()
_TITLES = ("Account Executive", "Head of Sales", "Chief Executive Officer", "VP Engineering",
           "Software Engineer", "Product Manager", "Marketing Manager", "Customer Success Manager",
           "Chief Financial Officer", "Operations Lead", "Data Scientist", "Procurement Officer")
_WORK = ("ON_SITE", "HYBRID", "REMOTE_WORK")
_SENIORITY = ("JUNIOR", "MID", "SENIOR", "LEAD", "EXECUTIVE")
_EPOCH = datetime(2023, 1, 1, tzinfo=timezone.utc)
_API_ACTOR = {"source": "API", "workspaceMemberId": None, "name": "Bench key", "context": {}}


def _uuid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def _moment(rng: random.Random) -> str:
    return (_EPOCH + timedelta(seconds=rng.randrange(0, 3 * 365 * 86400),
                               microseconds=rng.randrange(0, 1_000_000))).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _handle(first: str, last: str) -> str:
    return f"{first}-{last}".lower()


def companies(count: int, seed: int = 7) -> list[Record]:
    """`count` companies; the first one is BIG_COMPANY."""
    rng = random.Random(seed)
    out = []
    for i in range(count):
        word = f"{rng.choice(_LAST)}{rng.choice(('Labs', 'Systems', 'Group', 'Partners', 'Analytics'))}"
        created = _moment(rng)
        out.append({
            "id": _uuid(rng),
            "a1": f"{word} {i}",
            "a2": {"primaryLinkUrl": f"https://{word.lower()}{i}.com", "primaryLinkLabel": "", "secondaryLinks": []},
            "a3": rng.randrange(5, 20000),
            "a4": {"primaryLinkUrl": f"https://linkedin.com/company/{word.lower()}{i}", "primaryLinkLabel": "", "secondaryLinks": []},
            "a5": {"primaryLinkUrl": "", "primaryLinkLabel": "", "secondaryLinks": []},
            "a6": {"amountMicros": rng.randrange(1, 500) * 1_000_000_000_000, "currencyCode": "USD"},
            "a7": {"addressStreet1": f"{rng.randrange(1, 300)} Main Street", "addressStreet2": "",
                   "addressCity": rng.choice(_CITIES), "addressPostcode": f"{rng.randrange(10000, 99999)}",
                   "addressState": "", "addressCountry": "United States", "addressLat": None, "addressLng": None},
            "a8": rng.random() < 0.3,
            "a9": float(i),
            "a10": created,
            "a11": created,
            "a12": _API_ACTOR,
            "a13": _API_ACTOR,
        })
    return out


def people(count: int, company_ids: list[str], start: int = 0, seed: int = 11) -> Iterator[Record]:
    """People number `start` .. `start + count - 1` (the same person for the same number)."""
    big = company_ids[0]
    for n in range(start, start + count):
        rng = random.Random(seed * 1_000_003 + n)
        first, last = rng.choice(_FIRST), rng.choice(_LAST)
        if n < BIG_COMPANY_PEOPLE:
            company: str | None = big
        else:
            company = rng.choice(company_ids[1:]) if rng.random() < 0.9 else None
        if BIG_COMPANY_PEOPLE <= n < BIG_COMPANY_PEOPLE + PLANTED_NAME_COUNT:
            first = PLANTED_FIRST_NAME
        city = RARE_CITY if 300 <= n < 300 + RARE_CITY_COUNT else rng.choice(_CITIES)
        handle = _handle(first, last) + str(n)
        created = _moment(rng)
        record: Record = {
            "id": _uuid(rng),
            "a1": {"firstName": first, "lastName": last},
            "a2": {"primaryEmail": f"{handle}@example.com",
                   "additionalEmails": [f"{handle}@personal.example.org"] if rng.random() < 0.3 else []},
            "a3": {"primaryLinkUrl": f"https://www.linkedin.com/in/{handle}", "primaryLinkLabel": "", "secondaryLinks": []},
            "a4": {"primaryLinkUrl": f"https://x.com/{handle}" if rng.random() < 0.4 else "", "primaryLinkLabel": "", "secondaryLinks": []},
            "a5": rng.choice(_TITLES),
            "a6": {"primaryPhoneNumber": f"{rng.randrange(200000000, 999999999)}", "primaryPhoneCountryCode": "FR",
                   "primaryPhoneCallingCode": "+33", "additionalPhones": []},
            "a7": city,
            "a8": f"https://avatars.example.com/{handle}.png",
            "a9": float(n),
            "a10": created,
            "a11": created,
            "a12": _API_ACTOR,
            "a13": _API_ACTOR,
            "a15": " ".join(rng.choice(_FIRST + _CITIES) for _ in range(rng.randrange(10, 40))),
            "a16": {"primaryPhoneNumber": f"{rng.randrange(200000000, 999999999)}", "primaryPhoneCountryCode": "FR",
                    "primaryPhoneCallingCode": "+33", "additionalPhones": []},
            "a17": rng.sample(_WORK, rng.randrange(1, 3)),
            "a18": f"RATING_{rng.randrange(1, 6)}",
            "a19": rng.choice(_SENIORITY),
            "a20": rng.randrange(0, 35),
        }
        if company is not None:
            record["a14"] = company
        yield record


def person_slots(record: Record) -> list[str | None]:
    """Encoded values of the five indexed fields of person, in slot order s1..s5:
    the join column, createdAt, updatedAt, position, the label field (name: first, last)."""
    name = record.get("a1") or {}
    label = enc.encode_text(name.get("firstName", "")) + enc.SEPARATOR + enc.encode_text(name.get("lastName", ""))
    return [
        record.get("a14"),
        enc.encode_date_time(record["a10"]),
        enc.encode_date_time(record["a11"]),
        enc.encode_number(record["a9"]),
        label,
    ]


def company_slots(record: Record) -> list[str | None]:
    return [
        record.get("a14"),
        enc.encode_date_time(record["a10"]),
        enc.encode_date_time(record["a11"]),
        enc.encode_number(record["a9"]),
        enc.encode_text(record["a1"]),
    ]
