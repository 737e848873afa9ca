"""The home page: each member of staff lands on their own work."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from onewindow.workbench.staff import staff_required


@require_GET
@staff_required
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "workbench/home.html", {"staff": request.staff})  # type: ignore[attr-defined]
