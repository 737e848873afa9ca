"""Errors the catalog raises: a stable code for programs, Chinese messages naming the field for people.

Codes are UPPER_SNAKE and never change meaning once released; messages are gettext calls
with English msgids, translated in onewindow/catalog/locale. A problem with one value is
the shared `FieldError` of `onewindow.core.errors`, whose codes (FIELD_REQUIRED,
INVALID_NUMBER, TOO_LONG …) the catalog's type checks use; the codes of the catalog's own
rules (PROMISED_EXCEEDS_LEGAL …) are listed in docs/catalog.md.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.utils.translation import gettext as _

from onewindow.core.errors import FieldError, field_error

__all__ = [
    "CatalogError",
    "CatalogImportError",
    "FieldError",
    "ImportProblem",
    "ImportReport",
    "Location",
    "field_error",
    "verbose",
]


def verbose(model: type[models.Model], name: str) -> str:
    """The translated name of a model field, the way messages name it."""
    try:
        return str(model._meta.get_field(name).verbose_name)  # type: ignore[union-attr]
    except Exception:  # a key that is not a model field (e.g. "stages")
        return name


class CatalogError(Exception):
    """A refused catalog action. Nothing was written when this is raised from a service."""

    def __init__(self, code: str, message: str = "", errors: list[FieldError] | None = None) -> None:
        self.code = code
        self.errors: list[FieldError] = list(errors or [])
        self.message = str(message) or "；".join(e["message"] for e in self.errors) or code
        super().__init__(self.message)

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True)
class Location:
    """Where a JSON path came from in a workbook."""

    sheet: str
    row: int | None = None
    column: str = ""


@dataclass
class ImportProblem:
    """One reason an import was refused, located in the file the operator sent."""

    message: str
    code: str
    path: str = ""
    sheet: str = ""
    row: int | None = None
    column: str = ""

    def location(self) -> str:
        if self.sheet:
            parts = [_("sheet “%(sheet)s”") % {"sheet": self.sheet}]
            if self.row is not None:
                parts.append(_("row %(row)d") % {"row": self.row})
            if self.column:
                parts.append(_("column %(column)s") % {"column": self.column})
            return _(", ").join(parts)
        return self.path

    def as_dict(self) -> dict[str, object]:
        return {
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "path": self.path,
            "message": self.message,
            "code": self.code,
        }

    def __str__(self) -> str:
        where = self.location()
        return f"{where}：{self.message}" if where else self.message


@dataclass
class ImportReport:
    """What an import did, or every reason it did nothing."""

    problems: list[ImportProblem] = field(default_factory=list)
    items_created: int = 0
    versions_published: int = 0
    items_unchanged: int = 0
    items_updated: int = 0
    lists_written: int = 0
    bundles_written: int = 0
    main_items_created: int = 0
    departments_created: list[str] = field(default_factory=list)
    dry_run: bool = False
    # JSON path → where it came from in a spreadsheet (filled by `xlsx_to_data`).
    locations: dict[str, Any] = field(default_factory=dict, repr=False)

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        text = _(
            "%(created)d items created, %(published)d new versions published, "
            "%(updated)d items' details updated, %(unchanged)d items unchanged, "
            "%(lists)d lists and %(bundles)d bundles written."
        ) % {
            "created": self.items_created,
            "published": self.versions_published,
            "updated": self.items_updated,
            "unchanged": self.items_unchanged,
            "lists": self.lists_written,
            "bundles": self.bundles_written,
        }
        if self.main_items_created:
            text += " " + _("%(count)d main items created.") % {"count": self.main_items_created}
        if self.departments_created:
            text += " " + _("Departments created: %(codes)s.") % {
                "codes": "、".join(self.departments_created)
            }
        if self.dry_run:
            text = _("Dry run, nothing saved: ") + text
        return text

    def as_text(self, limit: int = 1000, total: int | None = None) -> str:
        """The summary, or the problems (the first `limit` of them: a file wrong in every
        cell says so soon enough); `total` when only the first problems were kept."""
        if self.ok:
            return self.summary()
        count = len(self.problems) if total is None else total
        head = _("The catalog was not imported (nothing was saved). %(count)d problems:") % {"count": count}
        shown = self.problems[:limit]
        lines = [head, *(f"  - {p}" for p in shown)]
        if count > len(shown):
            lines.append(_("  … and %(count)d more.") % {"count": count - len(shown)})
        return "\n".join(lines)


class CatalogImportError(CatalogError):
    """An import refused as a whole; `report.problems` lists every bad cell or JSON path."""

    def __init__(self, report: ImportReport) -> None:
        self.report = report
        errors = [field_error(p.path or p.location(), p.message, p.code) for p in report.problems]
        super().__init__("IMPORT_INVALID", report.as_text(), errors)
