"""The catalog document as JSON: a center's published catalog out, bytes in.

The shape is the contract of docs/catalog.md (`schema.py` reads it); the export writes
codes for enumerations, `true`/`false` and ISO dates, so export → import changes nothing.
"""

from __future__ import annotations

import json
from typing import Any

from django.utils.translation import gettext as _

from onewindow.catalog.errors import CatalogImportError, ImportProblem, ImportReport
from onewindow.catalog.exchange.limits import check_file_size, check_json_depth
from onewindow.catalog.exchange.schema import FORMAT
from onewindow.catalog.guide import version_to_guide
from onewindow.catalog.models import Bundle, CatalogList, ServiceItemVersion
from onewindow.catalog.selectors import GUIDE_PREFETCH
from onewindow.org.models import Department, ServiceCenter


def catalog_to_data(center: ServiceCenter) -> dict[str, Any]:
    """The center's published catalog in the JSON shape of docs/catalog.md.

    Items without a published version (only a draft) are left out: the document describes
    what applicants can apply for, and importing it back publishes every item in it. The
    departments the items and their tasks name are listed with their names, so the
    document imports into a center that lacks them.
    """
    versions = (
        ServiceItemVersion.objects.filter(item__center=center, status=ServiceItemVersion.Status.PUBLISHED)
        .select_related("item__department", "item__sector", "item__main_item", "procedure")
        .prefetch_related(*GUIDE_PREFETCH)
        .order_by("item__code")
    )
    items = [
        {
            "code": v.item.code,
            "name": v.item.name,
            "main_item_code": v.item.main_item.code if v.item.main_item else "",
            "main_item_name": v.item.main_item.name if v.item.main_item else "",
            "category": v.item.category,
            "department": v.item.department.code,
            "sector": v.item.sector.code if v.item.sector else "",
            "is_active": v.item.is_active,
            "version": version_to_guide(v),
        }
        for v in versions
    ]
    named = {i["department"] for i in items} | {
        t["department"] for i in items for stage in i["version"]["stages"] for t in stage["tasks"]
    }
    departments = [
        {"code": d.code, "name": d.name}
        for d in Department.objects.filter(center=center, code__in=named).order_by("code")
    ]
    lists = [
        {
            "kind": cl.kind,
            "name": cl.name,
            "published_on": cl.published_on.isoformat() if cl.published_on else "",
            "items": sorted(i.code for i in cl.items.all()),
        }
        for cl in CatalogList.objects.filter(center=center).prefetch_related("items").order_by("name")
    ]
    bundles = [
        {
            "code": b.code,
            "name": b.name,
            "description": b.description,
            "is_active": b.is_active,
            "items": [link.item.code for link in b.bundle_items.all()],
        }
        for b in Bundle.objects.filter(center=center).prefetch_related("bundle_items__item").order_by("code")
    ]
    return {
        "format": FORMAT,
        "center": center.code,
        "departments": departments,
        "items": items,
        "lists": lists,
        "bundles": bundles,
    }


def data_to_json(data: dict[str, Any]) -> bytes:
    return json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")


def json_to_data(content: bytes) -> Any:
    """The document in a JSON file (UTF-8, with or without a BOM); raises CatalogImportError
    when the file is too large (`FILE_TOO_LARGE`) or nests too deep (`TOO_DEEP`) — both
    checked before parsing — or is not JSON (`NOT_JSON`: also a number of more digits than
    Python converts)."""
    check_file_size(len(content))
    check_json_depth(content)
    try:
        return json.loads(content.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        error = str(exc)
    except ValueError:  # an integer of more digits than Python converts (sys.get_int_max_str_digits)
        error = _("a number has too many digits")
    problem = ImportProblem(
        message=_("The file is not valid JSON: %(error)s") % {"error": error}, code="NOT_JSON"
    )
    raise CatalogImportError(ImportReport(problems=[problem]))
