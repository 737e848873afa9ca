"""Find a service (办事指南): the search and browse page, the guide of an item, its
material templates and samples, and the published lists (清单). Public pages: no sign-in,
only what the catalog publishes (docs/decisions/0020-service-search.md)."""

from __future__ import annotations

import mimetypes
import os
from typing import Any

from django.core.cache import cache
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from onewindow.catalog.models import Category
from onewindow.catalog.selectors import (
    browse_facets,
    bundle_public_get,
    catalog_list_public_get,
    catalog_list_public_list,
    item_browse_public,
    item_guide_public,
    item_search_public,
    material_file_public,
)
from onewindow.portal.guide import guide_situations

PAGE_SIZE = 20
FACETS_SECONDS = 60


def facets() -> dict[str, Any]:
    """The browse buttons with their counts, kept a minute per process and language: they
    cost five grouped reads of the catalog and only their counts can be a minute late (a
    withdrawn item leaves the results at once, docs/decisions/0020-service-search.md)."""
    return cache.get_or_set(f"portal:facets:{get_language()}", browse_facets, FACETS_SECONDS)  # type: ignore[no-any-return]


QUERY_MAX_LENGTH = 100
FILTERS = ("center", "sector", "main_item", "catalog_list", "bundle")


def _filters(request: HttpRequest) -> tuple[dict[str, Any], dict[str, str]]:
    """The browse filters of the address (ids, and the category's code); a value that is not
    one is dropped and named in the errors."""
    filters: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for name in FILTERS:
        raw = request.GET.get(name, "").strip()[:20]
        if not raw:
            continue
        if raw.isascii() and raw.isdigit() and 0 < int(raw) < 2**31:
            filters[name] = int(raw)
        else:
            errors[name] = _("This filter is not one the page offers: choose it from the lists below.")
    category = request.GET.get("category", "").strip()[:40]
    if category in Category.values:
        filters["category"] = category
    elif category:
        errors["category"] = _("This filter is not one the page offers: choose it from the lists below.")
    return filters, errors


@require_GET
def services(request: HttpRequest) -> HttpResponse:
    """Search (by name, keyword, code, pinyin or initials) and browse the services."""
    raw = request.GET.get("q", "")
    q = raw[:QUERY_MAX_LENGTH]
    filters, errors = _filters(request)
    context: dict[str, Any] = {
        "q": q,
        "filters": filters,
        "errors": errors,
        "too_long": len(raw) > QUERY_MAX_LENGTH,
    }
    if q.strip():
        context["hits"] = item_search_public(q=q, filters=filters)
    else:
        page = Paginator(item_browse_public(filters=filters), PAGE_SIZE).get_page(request.GET.get("page"))
        context["page"] = page
    if not request.headers.get("HX-Request"):
        context["facets"] = facets()
    template = (
        "portal/find/_results.html" if request.headers.get("HX-Request") else "portal/find/services.html"
    )
    return render(request, template, context, status=400 if errors else 200)


@require_GET
def guide(request: HttpRequest, code: str) -> HttpResponse:
    """The standard guide of an item (办事指南), printable."""
    version = item_guide_public(code=code)
    if version is None:
        raise Http404(_("No published service has this code."))
    # The 情形 questions and the materials that apply to the answers given (every material, each
    # with the situation it applies under, until they are answered): portal.guide's rule.
    context = guide_situations(version, request.GET)
    context.update({"version": version, "item": version.item})
    return render(
        request, "portal/guide/guide.html", context, status=400 if context["situation_error"] else 200
    )


@require_GET
def bundle(request: HttpRequest, code: str) -> HttpResponse:
    """A life event (一件事): its items, which of them can be applied for online, and 网上申报 for
    the whole of it when all can; otherwise which must be applied for at the hall, and where."""
    page = bundle_public_get(code=code)
    if page is None:
        raise Http404(_("No life event has this code."))
    return render(request, "portal/find/bundle.html", {"page": page, "bundle": page.bundle})


@require_GET
def material_file(request: HttpRequest, code: str, material: str, kind: str) -> FileResponse:
    """A material's blank template or filled-in sample, of the published version only."""
    field = material_file_public(item_code=code, material_code=material, kind=kind)
    if field is None:
        raise Http404(_("This file is not published."))
    try:
        handle = field.open("rb")
    except OSError as exc:
        raise Http404(_("This file is not published.")) from exc
    name = os.path.basename(field.name)
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    response = FileResponse(handle, as_attachment=True, filename=name, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_GET
def lists(request: HttpRequest) -> HttpResponse:
    """The published lists (清单)."""
    return render(request, "portal/lists/lists.html", {"lists": catalog_list_public_list()})


@require_GET
def list_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One published list with its items, paginated."""
    catalog_list = catalog_list_public_get(pk=pk) if pk < 2**31 else None
    if catalog_list is None:
        raise Http404(_("No published list has this number."))
    page = Paginator(item_browse_public(filters={"catalog_list": catalog_list.pk}), 50).get_page(
        request.GET.get("page")
    )
    return render(request, "portal/lists/list.html", {"catalog_list": catalog_list, "page": page})
