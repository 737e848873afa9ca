"""The demo county's catalog as a document in the JSON shape of docs/catalog.md.

Built from the department templates in `catalog_templates` with a seeded generator, so the
same call always returns the same document; loading goes through the catalog import
service, which makes a second load a no-op."""

import random
from typing import Any

from onewindow.demo import county_data as D
from onewindow.demo.catalog_templates import BUNDLES, TEMPLATES, T

FORMAT = "onewindow-catalog/1"
CAT_CODES = {
    "licensing": "XK",
    "confirmation": "QR",
    "payment": "JF",
    "levy": "ZS",
    "reward": "JL",
    "adjudication": "CJ",
    "other_power": "QT",
    "public_service": "GG",
}
IMMEDIATE_VARIANTS = {"注销", "注销登记", "注销备案", "备案注销", "停业", "挂失", "注销注册"}
SHORT_VARIANTS = {
    "变更",
    "变更登记",
    "变更备案",
    "备案变更",
    "变更注册",
    "换发",
    "换领",
    "补发",
    "补证",
    "换证",
    "校验",
    "延期",
    "再注册",
    "迁移",
    "补换",
    "期满换证",
    "遗失补证",
    "驾驶人信息变更",
}
RENEW_VARIANTS = {"延续", "延续注册", "延期", "校验", "再注册"}
RESULT_DEFAULTS = {
    "licensing": "准予行政许可决定书",
    "confirmation": "登记（确认）结果通知书",
    "payment": "待遇核定通知书",
    "levy": "完税证明",
    "reward": "奖励决定书",
    "adjudication": "裁决（处理）决定书",
    "other_power": "办理结果通知书",
    "public_service": "办结告知单",
}
CONDITIONS = {
    "person": "具有完全民事行为能力的自然人",
    "organisation": "依法设立的法人或者其他组织",
    "both": "自然人、法人或者其他组织",
}
SECTOR_NAMES = dict(D.SECTORS)
DEPT_PHONES = {code: f"0543-53{88100 + i:05d}" for i, (code, *_rest) in enumerate(D.DEPARTMENTS)}
DEPT_SHORT = {code: short for code, _n, short, _s in D.DEPARTMENTS}
DEPT_SECTORS = {code: sector for code, _n, _s, sector in D.DEPARTMENTS}
DEDICATED = {dept: (number, name) for number, name, dept, _codes in D.DEDICATED_WINDOWS}


def item_name(t: T, variant: str) -> str:
    return f"{t.name}（{variant}）" if variant else t.name


def _materials(rng: random.Random, t: T, variant: str, immediate_variant: bool) -> list[dict[str, Any]]:
    specs = [m for m in t.mats.split("|") if m]
    if immediate_variant:
        # Closing a licence: the form and the certificate handed back.
        specs = [specs[0], f"@{t.lic}:原{t.result}" if t.lic and t.result else "原证照原件"]
    elif variant in RENEW_VARIANTS:
        specs = [*specs[:5], f"@{t.lic}:原{t.result}" if t.lic and t.result else "原许可证件"]
    elif variant and variant in SHORT_VARIANTS:
        specs = [*specs[:4], "变更（换发）事项相关证明材料"]
    if len(specs) < 8 and (len(specs) < 2 or rng.random() < 0.5):
        specs.append("?授权委托书及受托人身份证明（委托他人办理的提供）")
    materials, codes = [], set()
    for i, spec in enumerate(specs[:8]):
        required, tolerable, source, licence_type = True, False, "applicant", ""
        if spec.startswith("~"):
            tolerable, spec = True, spec[1:]
        elif spec.startswith("?"):
            required, spec = False, spec[1:]
        if spec.startswith("@"):
            licence_type, spec = spec[1:].split(":", 1)
            source = "licence"
        elif "身份证" in spec or "营业执照" in spec:
            source = "shared"
        code = licence_type or ("authorisation" if "授权委托书" in spec else f"m{i + 1}")
        while code in codes:
            code = f"{code}_{i + 1}"
        codes.add(code)
        is_form = spec.endswith(("申请表", "申请书", "登记表", "审核表", "申报表", "信息表"))
        materials.append(
            {
                "code": code,
                "name": spec,
                "form": "original"
                if is_form or source == "licence"
                else rng.choice(["copy", "original_and_copy", "original"]),
                "copies": 1 if is_form or source == "licence" else rng.choice([1, 1, 2]),
                "medium": "electronic" if source == "licence" else rng.choice(["either", "either", "paper"]),
                "required": required,
                "tolerable": tolerable,
                "tolerance_days": rng.choice([5, 7, 10, 15]) if tolerable else 5,
                "source": source,
                "licence_type": licence_type,
                "notes": "可容缺受理，于承诺期限内补交。" if tolerable else "",
            }
        )
    return materials


def _form_fields(t: T, sector: str) -> list[dict[str, Any]]:
    fields = [
        {"key": "applicant_name", "label": "申请人名称", "kind": "text", "required": True, "choices": []},
        {"key": "contact_phone", "label": "联系电话", "kind": "text", "required": True, "choices": []},
    ]
    if sector == "SSFW":
        fields.append(
            {"key": "business_address", "label": "经营场所", "kind": "text", "required": True, "choices": []}
        )
    elif sector == "TZJS":
        fields += [
            {"key": "project_name", "label": "项目名称", "kind": "text", "required": True, "choices": []},
            {
                "key": "total_investment",
                "label": "总投资（万元）",
                "kind": "number",
                "required": False,
                "choices": [],
            },
        ]
    elif sector == "BDC":
        fields += [
            {
                "key": "property_location",
                "label": "不动产坐落",
                "kind": "text",
                "required": True,
                "choices": [],
            },
            {
                "key": "property_area",
                "label": "建筑面积（平方米）",
                "kind": "number",
                "required": False,
                "choices": [],
            },
        ]
    else:
        fields.append(
            {
                "key": "matter_description",
                "label": "申请事项说明",
                "kind": "text",
                "required": False,
                "choices": [],
            }
        )
    # No "结果送达方式" field: every application form asks how the result reaches the applicant
    # in its own section (the item's delivery methods); a form field would ask it twice.
    return fields


def _stages(t: T, kind: str, promised: int, calendar: bool) -> list[dict[str, Any]]:
    lead = t.dept

    def task(name, action, days, dept=lead, role="approver"):
        return {"name": name, "action": action, "department": dept, "role": role, "limit_days": days}

    if kind == "immediate":
        return [{"name": "受理即办", "tasks": [task("窗口审核即办", "decide", 0)]}]
    if calendar:
        return [
            {"name": "审查", "tasks": [task("材料审查", "review", max(1, promised // 3))]},
            {
                "name": "决定",
                "tasks": [task("作出决定", "decide", max(1, promised // 3), role="chief_representative")],
            },
        ]
    if kind == "joint":
        middle = promised - 2
        tasks = [task(f"{DEPT_SHORT[d]}并联审查", "review", middle, dept=d) for d in (lead, *t.joint)]
        return [
            {"name": "受理审查", "tasks": [task("材料审查", "review", 1)]},
            {"name": "并联审批", "tasks": tasks},
            {"name": "审批决定", "tasks": [task("作出决定", "decide", 1, role="chief_representative")]},
        ]
    if kind == "reported":
        first = max(1, promised // 4)
        return [
            {"name": "初审", "tasks": [task("县级初审", "review", first)]},
            {"name": "上报审批", "tasks": [task("报上级机关审批", "verify", promised - first - 1)]},
            {"name": "结果送达", "tasks": [task("接收批复并送达", "decide", 1, role="chief_representative")]},
        ]
    if promised == 1:
        return [
            {"name": "审查决定", "tasks": [task("审查并作出决定", "decide", 1, role="chief_representative")]}
        ]
    if promised == 2:
        return [
            {"name": "审查", "tasks": [task("材料审查", "review", 1)]},
            {"name": "决定", "tasks": [task("作出决定", "decide", 1, role="chief_representative")]},
        ]
    review = max(1, promised * 2 // 5)
    stages = [{"name": "受理审查", "tasks": [task("材料审查", "review", review)]}]
    inspect = 0
    if t.inspect and promised >= 4:
        inspect = max(1, promised // 4)
        stages.append({"name": "现场核查", "tasks": [task("现场踏勘核查", "inspect", inspect)]})
    stages.append(
        {
            "name": "审批决定",
            "tasks": [task("作出决定", "decide", promised - review - inspect, role="chief_representative")],
        }
    )
    return stages


def _item(rng: random.Random, t: T, variant: str, first_variant: bool, code: str) -> dict[str, Any]:
    immediate_variant = variant in IMMEDIATE_VARIANTS
    legal, promised = t.days if isinstance(t.days, tuple) else (max(t.days, 20) if t.days else 0, t.days)
    if immediate_variant:
        legal = promised = 0
    elif variant in SHORT_VARIANTS and promised:
        promised = max(1, promised // 2)
    if promised == 0:
        legal, kind = 0, "immediate"
    elif t.joint and first_variant and promised >= 3:
        kind = "joint"
    elif t.reported and promised >= 3:
        kind = "reported"
    else:
        kind = "promised"
    calendar = t.cat == "adjudication"
    sector = t.sector or DEPT_SECTORS[t.dept]
    if kind == "immediate":
        methods = rng.choice([["pickup"], ["pickup", "electronic"], ["electronic"]])
    else:
        methods = rng.choice(
            [["pickup", "mail"], ["pickup", "mail", "electronic"], ["pickup"], ["pickup", "mail"]]
        )
    online = rng.random() < 0.85
    fee, fee_basis = t.fee
    if immediate_variant:
        fee, fee_basis = "", ""
    dedicated = DEDICATED.get(t.dept)
    where = (
        f"{D.HALL_NAME}{dedicated[0]}号{dedicated[1]}"
        if dedicated
        else f"{D.HALL_NAME}“{SECTOR_NAMES[sector]}”板块综合受理窗口"
    )
    basis = t.basis or "相关法律、法规和规章"
    has_tolerable = "~" in t.mats
    return {
        "code": code,
        "name": item_name(t, variant),
        "category": t.cat,
        "department": t.dept,
        "sector": sector,
        "is_active": True,
        "version": {
            "case_kind": kind,
            "applicant_kinds": t.who,
            "legal_basis": basis,
            "conditions": f"{CONDITIONS[t.who]}，符合{basis.split('；')[0]}规定的条件；申请材料齐全、符合法定形式。",
            "limit_unit": "calendar_days" if calendar else "working_days",
            "legal_limit_days": legal,
            "promised_limit_days": promised,
            "is_free": not fee,
            "fee": fee,
            "fee_basis": fee_basis,
            "where_to_apply": where,
            "office_hours": D.HALL_HOURS,
            "consult_phone": DEPT_PHONES[t.dept],
            "complaint_phone": "0543-12345",
            "online_available": online,
            "max_visits": 0 if online and kind == "immediate" and rng.random() < 0.5 else 1,
            "delivery_methods": methods,
            "result_name": (
                "准予注销通知书"
                if immediate_variant and t.cat == "licensing"
                else t.result or RESULT_DEFAULTS[t.cat]
            ),
            "result_licence_type": "" if immediate_variant else t.lic,
            "notes": "本事项实行容缺受理。" if has_tolerable and not immediate_variant else "",
            "materials": _materials(rng, t, variant, immediate_variant),
            "form_fields": _form_fields(t, sector),
            "stages": _stages(t, kind, promised, calendar),
        },
    }


WHO = {
    "code": "who",
    "text": "申请人是个人还是企业？",
    "choices": [{"code": "person", "label": "个人"}, {"code": "org", "label": "企业或其他组织"}],
}
APPLY_KIND = {
    "code": "apply_kind",
    "text": "首次申请还是变更？",
    "choices": [{"code": "new", "label": "首次申请（设立）"}, {"code": "change", "label": "变更"}],
}
SITUATION_ITEMS = 4
"""How many demo items ask each 情形 question (the first by code that fit)."""


def _material(code: str, name: str, **extra: Any) -> dict[str, Any]:
    return {
        "code": code,
        "name": name,
        "form": "copy",
        "copies": 1,
        "medium": "either",
        "required": True,
        "tolerable": False,
        "tolerance_days": 5,
        "source": "applicant",
        "licence_type": "",
        "notes": "",
        "applies_when": {},
        "commitment_allowed": False,
        **extra,
    }


def _add_situations(items: list[dict[str, Any]]) -> None:
    """情形引导 on a handful of demo items, without drawing from the random stream (so the
    rest of the demo stays as it was): "个人还是企业？" on items both may apply for (a company
    brings its 营业执照), "首次申请还是变更？" on licences without variants (a change brings the
    proof of what changed, which a signed commitment may replace: 告知承诺制)."""
    # A guide lists at most 8 materials: only items with room for one more.
    open_items = [
        it
        for it in items
        if it["version"]["case_kind"] != "immediate" and len(it["version"]["materials"]) < 8
    ]
    both = [
        it
        for it in open_items
        if it["version"]["applicant_kinds"] == "both"
        and not any(w in it["name"] for w in ("企业", "承诺"))
        and not any(
            "营业执照" in m["name"] or m["code"] == "business_licence" for m in it["version"]["materials"]
        )
    ][:SITUATION_ITEMS]
    for it in both:
        version = it["version"]
        version.setdefault("questions", []).append(dict(WHO))
        version["materials"].insert(
            1,
            _material(
                "business_licence",
                "营业执照副本（企业或其他组织申请的提供）",
                source="shared",
                applies_when={"who": ["org"]},
            ),
        )
    plain = [
        it for it in open_items if it["category"] == "licensing" and "（" not in it["name"] and it not in both
    ][:SITUATION_ITEMS]
    for it in plain:
        version = it["version"]
        version.setdefault("questions", []).append(dict(APPLY_KIND))
        version["materials"].append(
            _material(
                "change_proof",
                "变更事项相关证明材料（变更的提供）",
                applies_when={"apply_kind": ["change"]},
                commitment_allowed=True,
                notes="实行告知承诺制：申请人书面承诺的，可不提交。",
            )
        )
    for it in items:
        version = it["version"]
        version.setdefault("questions", [])
        for m in version["materials"]:
            m.setdefault("applies_when", {})
            m.setdefault("commitment_allowed", False)
        if it in plain:  # a proof a commitment may replace, where one is listed
            proof = next(
                (
                    m
                    for m in version["materials"]
                    if "证明" in m["name"]
                    and m["source"] == "applicant"
                    and not m["tolerable"]
                    and not m["applies_when"]
                ),
                None,
            )
            if proof is not None:
                proof["commitment_allowed"] = True


def build_catalog_data(center_code: str = D.HALL_CODE, published_on: str = "2026-01-01") -> dict[str, Any]:
    """The full catalog document of the demo hall: items, the six kinds of lists, bundles."""
    rng = random.Random(f"{center_code}:catalog")
    items: list[dict[str, Any]] = []
    by_key: dict[tuple[str, str, str], str] = {}
    counters: dict[tuple[str, str], int] = {}
    intermediary: set[str] = set()
    for t in TEMPLATES:
        for i, variant in enumerate(t.variants or ("",)):
            key = (t.dept, CAT_CODES[t.cat])
            counters[key] = counters.get(key, 0) + 1
            code = f"{center_code}-{t.dept}-{CAT_CODES[t.cat]}-{counters[key]:03d}"
            items.append(_item(rng, t, variant, i == 0, code))
            by_key[(t.dept, t.name, variant)] = code
            if t.intermediary or DEPT_SECTORS[t.dept] == "ZJFW":
                intermediary.add(code)

    _add_situations(items)

    def codes(pred) -> list[str]:
        return [it["code"] for it in items if pred(it)]

    year = published_on[:4]
    power = {"licensing", "confirmation", "payment", "levy", "reward", "adjudication", "other_power"}
    lists = [
        (
            "licensing",
            f"安和县行政许可事项清单（{year}年版）",
            codes(lambda it: it["category"] == "licensing"),
        ),
        ("power", f"安和县行政权力事项清单（{year}年版）", codes(lambda it: it["category"] in power)),
        (
            "responsibility",
            f"安和县政府部门责任清单（{year}年版）",
            codes(lambda it: it["category"] in {"licensing", "other_power", "levy", "adjudication"}),
        ),
        (
            "public_service",
            f"安和县公共服务事项清单（{year}年版）",
            codes(lambda it: it["category"] == "public_service"),
        ),
        (
            "intermediary_fee",
            f"安和县行政审批中介服务事项及收费清单（{year}年版）",
            [c for c in (it["code"] for it in items) if c in intermediary],
        ),
        (
            "one_time_done",
            f"安和县“一次办好”事项清单（{year}年版）",
            codes(lambda it: it["version"]["max_visits"] <= 1 and it["version"]["case_kind"] != "reported"),
        ),
    ]
    bundles = [
        {
            "code": code,
            "name": name,
            "description": description,
            "is_active": True,
            "items": [by_key[(dept, base, variant)] for dept, base, variant in members],
        }
        for code, name, description, members in BUNDLES
    ]
    return {
        "format": FORMAT,
        "center": center_code,
        "items": items,
        "lists": [{"kind": k, "name": n, "published_on": published_on, "items": c} for k, n, c in lists],
        "bundles": bundles,
    }
