"""Builds the organisation of the demo county: regions, halls, sectors, departments,
windows, staff with A/B posts, and applicants.

Every step first plans the full deterministic data set from a seeded `random.Random`, then
creates only the rows whose natural key (division code, center code, user name, ID number
digest, USCC) is missing, so running it again changes nothing."""

import random
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction

from onewindow.core.fields import personal_digest
from onewindow.demo import county_data as D
from onewindow.demo.identity import random_id_number, random_mobile, random_person_name, random_uscc
from onewindow.org.models import Applicant, Department, Region, Role, Sector, ServiceCenter, Staff, Window
from onewindow.org.services import (
    applicant_create,
    center_paths_rebuild,
    roles_sync,
    staff_create,
    staff_set_backup,
)

DEMO_PASSWORD = "onewindow-demo"  # noqa: S105 - the published demo password, printed by load_demo
SEED = 20170601  # the day Huimin opened its new hall


@dataclass
class DemoContext:
    """What the steps pass along: the hall and counters for the summary."""

    hall: ServiceCenter | None = None
    created: dict[str, int] = field(default_factory=dict)
    logins: dict[str, str] = field(default_factory=dict)

    def count(self, label: str, n: int) -> None:
        self.created[label] = self.created.get(label, 0) + n


def rng_for(step: str) -> random.Random:
    """One generator per step, so adding a step never shifts another step's data."""
    return random.Random(f"{SEED}:{step}")


def _ensure(model, key: str, rows: list[dict], ctx: DemoContext, label: str) -> dict[str, object]:
    """Bulk-create the rows whose `key` value is missing; return all rows by key."""
    existing = {getattr(o, key): o for o in model.objects.filter(**{f"{key}__in": [r[key] for r in rows]})}
    missing = [model(**r) for r in rows if r[key] not in existing]
    if missing:
        model.objects.bulk_create(missing)
        ctx.count(label, len(missing))
        existing = {
            getattr(o, key): o for o in model.objects.filter(**{f"{key}__in": [r[key] for r in rows]})
        }
    return existing


def village_plan() -> list[tuple[str, str, list[tuple[str, str]]]]:
    """[(township code, township name, [(village code, village name)])]: 5–8 villages each."""
    rng = rng_for("villages")
    words = list(D.VILLAGE_WORDS)
    plan = []
    for tcode, tname in D.TOWNSHIPS:
        n = rng.randint(5, 8)
        rng.shuffle(words)
        villages = []
        for i in range(n):
            vcode = f"{D.COUNTY_ID_PREFIX}{tcode}{(201 + i):03d}"
            villages.append((vcode, f"{words[i]}村"))
        plan.append((f"{D.COUNTY_ID_PREFIX}{tcode}000", tname, villages))
    return plan


@transaction.atomic
def build_regions(ctx: DemoContext) -> None:
    province = _ensure(
        Region, "code", [{"code": D.PROVINCE[0], "name": D.PROVINCE[1], "level": 1}], ctx, "regions"
    )
    city = _ensure(
        Region,
        "code",
        [{"code": D.CITY[0], "name": D.CITY[1], "level": 2, "parent": province[D.PROVINCE[0]]}],
        ctx,
        "regions",
    )
    county = _ensure(
        Region,
        "code",
        [{"code": D.COUNTY[0], "name": D.COUNTY[1], "level": 3, "parent": city[D.CITY[0]]}],
        ctx,
        "regions",
    )[D.COUNTY[0]]
    plan = village_plan()
    townships = _ensure(
        Region,
        "code",
        [{"code": t, "name": n, "level": 4, "parent": county} for t, n, _ in plan],
        ctx,
        "regions",
    )
    _ensure(
        Region,
        "code",
        [{"code": v, "name": vn, "level": 5, "parent": townships[t]} for t, _, vs in plan for v, vn in vs],
        ctx,
        "regions",
    )


@transaction.atomic
def build_centers(ctx: DemoContext) -> None:
    regions = {r.code: r for r in Region.objects.filter(code__startswith=D.COUNTY_ID_PREFIX)}
    hall = _ensure(
        ServiceCenter,
        "code",
        [
            {
                "code": D.HALL_CODE,
                "name": D.HALL_NAME,
                "tier": ServiceCenter.Tier.COUNTY,
                "region": regions[D.COUNTY[0]],
                "address": D.HALL_ADDRESS,
                "phone": D.HALL_PHONE,
                "opening_hours": D.HALL_HOURS,
            }
        ],
        ctx,
        "centers",
    )[D.HALL_CODE]
    ctx.hall = hall
    plan = village_plan()
    towns = _ensure(
        ServiceCenter,
        "code",
        [
            {
                "code": f"{D.HALL_CODE}-T{t[6:9]}",
                "name": f"{tn}便民服务中心",
                "tier": ServiceCenter.Tier.TOWNSHIP,
                "region": regions[t],
                "parent": hall,
                "address": f"安和县{tn}政府院内",
                "opening_hours": "周一至周五 8:30-12:00 14:00-17:30",
            }
            for t, tn, _ in plan
        ],
        ctx,
        "centers",
    )
    _ensure(
        ServiceCenter,
        "code",
        [
            {
                "code": f"{D.HALL_CODE}-T{t[6:9]}-V{v[9:12]}",
                "name": f"{tn}{vn}便民服务站",
                "tier": ServiceCenter.Tier.VILLAGE,
                "region": regions[v],
                "parent": towns[f"{D.HALL_CODE}-T{t[6:9]}"],
                "address": f"{vn}村委会",
            }
            for t, tn, vs in plan
            for v, vn in vs
        ],
        ctx,
        "centers",
    )
    center_paths_rebuild()  # the centers were bulk-created: give them their tree paths
    hall_sectors = [
        Sector(center=hall, code=code, name=name, order=i + 1) for i, (code, name) in enumerate(D.SECTORS)
    ]
    have = set(Sector.objects.filter(center=hall).values_list("code", flat=True))
    new = [s for s in hall_sectors if s.code not in have]
    if new:
        Sector.objects.bulk_create(new)
        ctx.count("sectors", len(new))
    have = set(Department.objects.filter(center=hall).values_list("code", flat=True))
    new_depts = [
        Department(center=hall, code=code, name=name, short_name=short, phone=f"0543-53{88100 + i:05d}")
        for i, (code, name, short, _sector) in enumerate(D.DEPARTMENTS)
        if code not in have
    ]
    if new_depts:
        Department.objects.bulk_create(new_depts)
        ctx.count("departments", len(new_depts))
    build_windows(ctx, hall, list(towns.values()))


def build_windows(ctx: DemoContext, hall: ServiceCenter, towns: list[ServiceCenter]) -> None:
    sectors = {s.code: s for s in Sector.objects.filter(center=hall)}
    depts = {d.code: d for d in Department.objects.filter(center=hall)}
    specs = [(n, name, Window.Kind.INTAKE, None, codes) for n, name, codes in D.INTAKE_WINDOWS]
    specs += [(n, name, Window.Kind.PICKUP, None, []) for n, name in D.PICKUP_WINDOWS]
    specs += [(n, name, Window.Kind.DEDICATED, depts[d], codes) for n, name, d, codes in D.DEDICATED_WINDOWS]
    have = set(Window.objects.filter(center=hall).values_list("number", flat=True))
    for number, name, kind, dept, codes in specs:
        if number in have:
            continue
        window = Window.objects.create(center=hall, number=number, name=name, kind=kind, department=dept)
        window.sectors.set([sectors[c] for c in codes])
        ctx.count("windows", 1)
    for town in towns:
        if not Window.objects.filter(center=town, number="01").exists():
            Window.objects.create(center=town, number="01", name="综合受理", kind=Window.Kind.INTAKE)
            ctx.count("windows", 1)


@dataclass
class StaffPlan:
    username: str
    name: str
    roles: list[str]
    center: str
    department: str | None = None
    window: str | None = None
    backup: str | None = None
    mobile: str = ""


def staff_plan() -> list[StaffPlan]:
    """Everyone who works in the demo county, in a fixed order with fixed names."""
    rng = rng_for("staff")

    def person(username, roles, center=D.HALL_CODE, **kw) -> StaffPlan:
        return StaffPlan(
            username=username,
            name=random_person_name(rng, D.SURNAMES, D.GIVEN_CHARS),
            roles=roles,
            center=center,
            mobile=random_mobile(rng),
            **kw,
        )

    # A post → B post, one direction only (staff_set_backup refuses A↔B pairs).
    plan = [
        person("ahx_admin", [Role.CENTER_ADMIN], backup="ahx_admin2"),
        person("ahx_admin2", [Role.CENTER_ADMIN]),
    ]
    for i, backup in [(1, "ahx_sup2"), (2, None), (3, "ahx_sup1")]:
        plan.append(person(f"ahx_sup{i}", [Role.SUPERVISOR], backup=backup))
    for number, _name, _codes in D.INTAKE_WINDOWS:
        a, b = f"ahx_{number.lower()}a", f"ahx_{number.lower()}b"
        plan.append(person(a, [Role.INTAKE_CLERK], window=number, backup=b))
        plan.append(person(b, [Role.INTAKE_CLERK], window=number))
    for number, _name in D.PICKUP_WINDOWS:
        a, b = f"ahx_{number.lower()}a", f"ahx_{number.lower()}b"
        plan.append(person(a, [Role.PICKUP_CLERK], window=number, backup=b))
        plan.append(person(b, [Role.PICKUP_CLERK], window=number))
    for number, _name, dept, _codes in D.DEDICATED_WINDOWS:
        a, b = f"ahx_{number.lower()}a", f"ahx_{number.lower()}b"
        plan.append(person(a, [Role.INTAKE_CLERK], window=number, department=dept, backup=b))
        plan.append(person(b, [Role.INTAKE_CLERK], window=number, department=dept))
    for code, _name, _short, _sector in D.DEPARTMENTS:
        chief = f"ahx_{code.lower()}_chief"
        approver = f"ahx_{code.lower()}_1"
        busy = code in D.BUSY_DEPARTMENTS
        plan.append(
            person(
                chief,
                [Role.CHIEF_REPRESENTATIVE, Role.APPROVER],
                department=code,
                backup=approver if busy else None,
            )
        )
        if busy:
            plan.append(person(approver, [Role.APPROVER], department=code))
    for t, _tn, villages in village_plan():
        town_code = f"{D.HALL_CODE}-T{t[6:9]}"
        plan.append(person(f"ahx_t{t[6:9]}", [Role.INTAKE_CLERK], center=town_code, window="01"))
        for v, _vn in villages:
            plan.append(
                person(f"ahx_t{t[6:9]}v{v[9:12]}", [Role.PROXY_AGENT], center=f"{town_code}-V{v[9:12]}")
            )
    return plan


def build_staff(ctx: DemoContext) -> None:
    roles_sync()
    plan = staff_plan()
    user_model = get_user_model()
    have = set(
        user_model.objects.filter(username__in=[p.username for p in plan]).values_list("username", flat=True)
    )
    centers = {c.code: c for c in ServiceCenter.objects.filter(code__startswith=D.HALL_CODE)}
    depts = {d.code: d for d in Department.objects.filter(center__code=D.HALL_CODE)}
    windows = {
        (w.center.code, w.number): w
        for w in Window.objects.select_related("center").filter(center__code__startswith=D.HALL_CODE)
    }
    new_usernames = []
    with transaction.atomic():
        for p in plan:
            if p.username in have:
                continue
            staff_create(
                center=centers[p.center],
                username=p.username,
                name=p.name,
                roles=p.roles,
                department=depts[p.department] if p.department else None,
                window=windows[(p.center, p.window)] if p.window else None,
                mobile=p.mobile,
                employee_number=f"AHX{len(new_usernames) + len(have) + 1:04d}",
            )
            new_usernames.append(p.username)
        if new_usernames:
            # One hash for every demo account: hashing 200 times would dominate the load time.
            user_model.objects.filter(username__in=new_usernames).update(
                password=make_password(DEMO_PASSWORD)
            )
        if new_usernames:
            ctx.count("staff", len(new_usernames))
        staff = {
            s.user.username: s
            for s in Staff.objects.select_related("user").filter(
                user__username__in=[p.username for p in plan]
            )
        }
        for p in plan:
            s = staff[p.username]
            if p.backup and s.backup_id is None:
                staff_set_backup(staff=s, backup=staff[p.backup])
        if not user_model.objects.filter(username="admin").exists():
            user_model.objects.create_superuser("admin", "admin@example.com", DEMO_PASSWORD)
            ctx.count("superusers", 1)
    ctx.logins = demo_logins(plan)


def demo_logins(plan: list[StaffPlan] | None = None) -> dict[str, str]:
    """One user name per role: the first account holding only that role (so the approver
    login is a plain approver, not a chief representative), else the first holding it."""
    plan = plan if plan is not None else staff_plan()
    logins: dict[str, str] = {}
    for p in plan:
        if len(p.roles) == 1:
            logins.setdefault(p.roles[0], p.username)
    for p in plan:
        for role in p.roles:
            logins.setdefault(role, p.username)
    return logins


def applicant_plan(persons: int = 300, organisations: int = 120) -> list[dict]:
    """Persons with valid ID numbers issued in the county, companies and individual
    businesses with valid USCCs, deterministic names, phones and addresses."""
    rng = rng_for("applicants")
    rows = []
    villages = [vn for _t, _tn, vs in village_plan() for _v, vn in vs]
    for i in range(persons):
        rows.append(
            {
                "kind": Applicant.Kind.PERSON,
                "name": random_person_name(rng, D.SURNAMES, D.GIVEN_CHARS),
                "id_number": random_id_number(rng, D.COUNTY_ID_PREFIX, i),
                "mobile": random_mobile(rng),
                "address": f"安和县{rng.choice(D.TOWNSHIPS)[1]}{rng.choice(villages)}{rng.randint(1, 120)}号",
            }
        )
    seen: set[str] = set()
    i = 0
    while len(seen) < organisations:
        i += 1
        individual = rng.random() < 0.35
        if individual:
            owner = random_person_name(rng, D.SURNAMES, D.GIVEN_CHARS)
            name = f"安和县{owner}{rng.choice(D.SHOP_TRADES)}"
        else:
            owner = random_person_name(rng, D.SURNAMES, D.GIVEN_CHARS)
            trade, suffix = rng.choice(D.COMPANY_TRADES)
            name = f"安和县{rng.choice(D.COMPANY_WORDS)}{trade}{suffix}"
        uscc = random_uscc(rng, D.COUNTY_ID_PREFIX, i, individual=individual)
        if uscc in seen or any(r.get("name") == name for r in rows[persons:]):
            continue
        seen.add(uscc)
        rows.append(
            {
                "kind": Applicant.Kind.ORGANISATION,
                "name": name,
                "uscc": uscc,
                "legal_representative": owner,
                "mobile": random_mobile(rng),
                "address": f"安和县{rng.choice(D.STREETS)}{rng.randint(1, 300)}号",
            }
        )
    return rows


@transaction.atomic
def build_applicants(ctx: DemoContext) -> None:
    plan = applicant_plan()
    have_digests = set(
        Applicant.objects.filter(kind=Applicant.Kind.PERSON).values_list("id_number_digest", flat=True)
    )
    have_usccs = set(
        Applicant.objects.filter(kind=Applicant.Kind.ORGANISATION).values_list("uscc", flat=True)
    )
    n = 0
    for row in plan:
        if row["kind"] == Applicant.Kind.PERSON and personal_digest(row["id_number"]) in have_digests:
            continue
        if row["kind"] == Applicant.Kind.ORGANISATION and row["uscc"] in have_usccs:
            continue
        applicant_create(**row)
        n += 1
    if n:
        ctx.count("applicants", n)
