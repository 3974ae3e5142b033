"""The benchmark's workspace and records: a standard workspace, five custom person fields, and
deterministic REST bodies for companies and people (~20 fields each).

A few values are planted in fixed numbers whatever the size, so that the indexed operations read
the same number of items at 1,000 and at 10,000 people:
- the first company (BIG_COMPANY) has exactly BIG_COMPANY_PEOPLE people (a fixed-size traversal);
- PLANTED_FIRST_NAME is the first name of PLANTED_NAME_COUNT people (indexed equality);
- RARE_CITY is the city of RARE_CITY_COUNT people (equality on an unindexed field).
The other people are spread over the other companies (10% have none).
"""

from __future__ import annotations

import random
import uuid
from datetime import datetime, timedelta, timezone
from typing import Any, Iterator

__all__ = [
    "CUSTOM_PERSON_FIELDS", "BIG_COMPANY_PEOPLE", "PLANTED_FIRST_NAME", "PLANTED_NAME_COUNT", "RARE_CITY",
    "RARE_CITY_COUNT", "PLANTED", "company_bodies", "person_bodies",
]

BIG_COMPANY_PEOPLE = 60
PLANTED_FIRST_NAME = "Zelda"
PLANTED_NAME_COUNT = 25
RARE_CITY = "Reykjavik"
RARE_CITY_COUNT = 5
# People numbered below this carry the planted values; every size measured must exceed it.
PLANTED = 300

# Custom fields a typical CRM adds to person (Twenty's demo workspace has these): with the
# standard ones, a person has 20 fields besides its id.
CUSTOM_PERSON_FIELDS: tuple[dict[str, Any], ...] = (
    {"type": "TEXT", "name": "intro", "label": "Intro"},
    {"type": "PHONES", "name": "whatsapp", "label": "Whatsapp"},
    {"type": "MULTI_SELECT", "name": "workPreference", "label": "Work Preference", "options": [
        {"label": "On-Site", "value": "ON_SITE", "color": "green"},
        {"label": "Hybrid", "value": "HYBRID", "color": "blue"},
        {"label": "Remote Work", "value": "REMOTE_WORK", "color": "orange"},
    ]},
    {"type": "RATING", "name": "performanceRating", "label": "Performance Rating"},
    {"type": "NUMBER", "name": "yearsOfExperience", "label": "Years of experience", "settings": {"dataType": "int"}},
)

_FIRST = ("James Mary Robert Patricia John Jennifer Michael Linda David Elizabeth William Barbara "
          "Richard Susan Joseph Jessica Thomas Sarah Charles Karen Christopher Lisa Daniel Nancy "
          "Matthew Betty Anthony Sandra Mark Margaret Donald Ashley Steven Kimberly Andrew Emily").split()
_LAST = ("Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez Lopez "
         "Gonzalez Wilson Anderson Thomas Taylor Moore Jackson Martin Lee Perez Thompson White Harris "
         "Dubois Muller Rossi Novak Kowalski Jensen Larsen Tanaka Sato Kim Park Chen Wang Silva").split()
_CITIES = ("Paris London Berlin Madrid Rome Lisbon Amsterdam Brussels Vienna Prague Warsaw Dublin "
           "Copenhagen Stockholm Oslo Helsinki Zurich Geneva Milan Barcelona Munich Hamburg Lyon "
           "Seattle Boston Austin Chicago Denver Toronto Montreal Vancouver Sydney Tokyo Singapore").split()
_TITLES = ("Account Executive", "Head of Sales", "Chief Executive Officer", "VP Engineering",
           "Software Engineer", "Product Manager", "Marketing Manager", "Customer Success Manager",
           "Chief Financial Officer", "Operations Lead", "Data Scientist", "Procurement Officer")
_WORK = ("ON_SITE", "HYBRID", "REMOTE_WORK")
_EPOCH = datetime(2023, 1, 1, tzinfo=timezone.utc)


def _uuid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def _moment(rng: random.Random) -> str:
    moment = _EPOCH + timedelta(seconds=rng.randrange(0, 3 * 365 * 86400), milliseconds=rng.randrange(0, 1000))
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def _link(url: str) -> dict[str, Any]:
    return {"primaryLinkUrl": url, "primaryLinkLabel": "", "secondaryLinks": []}


def _phone(rng: random.Random) -> dict[str, Any]:
    return {"primaryPhoneNumber": str(rng.randrange(600000000, 699999999)), "primaryPhoneCountryCode": "FR",
            "primaryPhoneCallingCode": "+33", "additionalPhones": []}


def company_bodies(count: int, seed: int = 7) -> list[dict[str, Any]]:
    """`count` companies as POST /rest/batch/companies bodies; the first is the big company."""
    rng = random.Random(seed)
    out = []
    for i in range(count):
        word = f"{rng.choice(_LAST)}{rng.choice(('Labs', 'Systems', 'Group', 'Partners', 'Analytics'))}"
        out.append({
            "id": _uuid(rng),
            "name": f"{word} {i}",
            "domainName": _link(f"https://{word.lower()}{i}.com"),
            "employees": rng.randrange(5, 20000),
            "linkedinLink": _link(f"https://linkedin.com/company/{word.lower()}{i}"),
            "xLink": _link(""),
            "annualRecurringRevenue": {"amountMicros": rng.randrange(1, 500) * 1_000_000_000_000, "currencyCode": "USD"},
            "address": {"addressStreet1": f"{rng.randrange(1, 300)} Main Street", "addressStreet2": "",
                        "addressCity": rng.choice(_CITIES), "addressPostcode": str(rng.randrange(10000, 99999)),
                        "addressState": "", "addressCountry": "United States", "addressLat": None, "addressLng": None},
            "idealCustomerProfile": rng.random() < 0.3,
            "position": float(i),
            "createdAt": _moment(rng),
        })
    return out


def person_bodies(count: int, company_ids: list[str], start: int = 0, seed: int = 11) -> Iterator[dict[str, Any]]:
    """People number `start` .. `start + count - 1` as POST /rest/batch/people bodies (the same
    person for the same number). Numbers below PLANTED carry the planted values."""
    big, others = company_ids[0], company_ids[1:]
    for n in range(start, start + count):
        rng = random.Random(seed * 1_000_003 + n)
        first, last = rng.choice(_FIRST), rng.choice(_LAST)
        if n < BIG_COMPANY_PEOPLE:
            company: str | None = big
        else:
            company = rng.choice(others) if rng.random() < 0.9 else None
        if BIG_COMPANY_PEOPLE <= n < BIG_COMPANY_PEOPLE + PLANTED_NAME_COUNT:
            first = PLANTED_FIRST_NAME
        city = RARE_CITY if 100 <= n < 100 + RARE_CITY_COUNT else rng.choice(_CITIES)
        handle = f"{first}-{last}{n}".lower()
        yield {
            "id": _uuid(rng),
            "name": {"firstName": first, "lastName": last},
            "emails": {"primaryEmail": f"{handle}@example.com",
                       "additionalEmails": [f"{handle}@personal.example.org"] if rng.random() < 0.3 else []},
            "linkedinLink": _link(f"https://www.linkedin.com/in/{handle}"),
            "xLink": _link(f"https://x.com/{handle}" if rng.random() < 0.4 else ""),
            "jobTitle": rng.choice(_TITLES),
            "phones": _phone(rng),
            "city": city,
            "avatarUrl": f"https://avatars.example.com/{handle}.png",
            "companyId": company,
            "position": float(n),
            "createdAt": _moment(rng),
            "intro": " ".join(rng.choice(_FIRST + _CITIES) for _ in range(rng.randrange(10, 40))),
            "whatsapp": _phone(rng),
            "workPreference": sorted(rng.sample(_WORK, rng.randrange(1, 3))),
            "performanceRating": f"RATING_{rng.randrange(1, 6)}",
            "yearsOfExperience": rng.randrange(0, 35),
        }
