"""Scans of materials: checked by their content, kept outside the web root, read through scope.

A scan is what the window's camera or scanner gives: a PDF, JPEG or PNG. Its type is
decided by its first bytes (magic numbers), never by its name or the browser's content
type, and it must be **whole**: its last bytes must be the end its format writes, so a
truncated upload (a phone's connection dropped, a half-copied file) or bytes that only start
like a scan are refused (FILE_INVALID, field `file`) instead of reaching the approver as a
broken file. The end is checked while the chunks stream, keeping only the last `TAIL` bytes:

* PDF: `%%EOF` within the last `PDF_EOF_WINDOW` (1,024) bytes, as readers look for it, once
  the whitespace and NULs a scanner pads with are set aside;
* JPEG: the end-of-image marker FFD9, once trailing zero padding is set aside;
* PNG: the 12-byte IEND chunk (length 0, `IEND`, its CRC), nothing after it.

The end must come after the magic bytes (the magic alone, or a JPEG's FFD8FFD9, is refused).
Nothing deeper (decision 0029): pypdf is only a test dependency, and parsing a hostile PDF is
not bounded in time or memory (cross-reference loops, inflating streams); Pillow's `verify`
adds only the chunk CRCs of a PNG and next to nothing for a JPEG. A dropped connection cuts
the end off, which is what this check sees; the approver's browser renders what is kept.

It is stored under a generated name in `settings.ONEWINDOW_FILES_DIR` (under
DATA_DIR, not MEDIA_ROOT: nothing serves that directory), and read back only through
`material_file_get(actor=…)`, which applies the case selectors' scope (staff), or
`material_file_get_own` (the applicant, for the files of their own applications). Limits:
`MAX_FILE_BYTES` a file, `MAX_FILES_PER_MATERIAL` per material of one intake or application.

The window's clerk uploads before the application exists (the file is loose until the intake
attaches it); the portal's applicant uploads into their draft (or the application waiting for
a supplement), so the portal passes `application` and the file is attached at once.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.db import transaction
from django.http import FileResponse
from django.utils.translation import gettext as _

from onewindow.cases.errors import CaseError, case_error
from onewindow.cases.models import Application, MaterialFile
from onewindow.cases.proxyselectors import proxy_applications
from onewindow.cases.selectors import case_list
from onewindow.core import clock
from onewindow.org.access import scope_proxy_checked
from onewindow.org.models import Applicant, Staff

# The scan of the signed 容缺受理承诺书 is kept under this code (cases.actions.intake).
COMMITMENT_CODE = "_commitment"
MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_FILES_PER_MATERIAL = 5
CHUNK = 64 * 1024

TAIL = 4 * 1024
"""How many of the last bytes are kept while streaming, to check the file's end."""
PDF_EOF_WINDOW = 1024
PDF_PADDING = b" \t\r\n\f\x00"
JPEG_EOI = b"\xff\xd9"
PNG_IEND = b"\x00\x00\x00\x00IEND\xaeB`\x82"


@dataclass(frozen=True)
class Sniffed:
    content_type: str
    extension: str
    label: str
    magic: bytes = b""

    def whole(self, tail: bytes, size: int) -> bool:
        """Whether a file of `size` bytes whose last bytes are `tail` ends as its format
        writes, after its magic bytes, followed only by the padding the format's writers add."""
        if self.extension == "pdf":
            content = tail.rstrip(PDF_PADDING)
            end = content.rfind(b"%%EOF", max(len(content) - PDF_EOF_WINDOW, 0))
        elif self.extension == "jpg":
            content = tail.rstrip(b"\x00")
            end = len(content) - len(JPEG_EOI) if content.endswith(JPEG_EOI) else -1
        else:
            end = len(tail) - len(PNG_IEND) if tail.endswith(PNG_IEND) else -1
        # where the end marker starts in the file: past the magic, not overlapping it
        return end >= 0 and size - len(tail) + end >= len(self.magic)


# (magic bytes, type); the end each must have is `Sniffed.whole`
SIGNATURES: tuple[tuple[bytes, Sniffed], ...] = tuple(
    (magic, Sniffed(content_type, extension, label, magic))
    for magic, content_type, extension, label in (
        (b"%PDF-", "application/pdf", "pdf", "PDF"),
        (b"\xff\xd8\xff", "image/jpeg", "jpg", "JPEG"),
        (b"\x89PNG\r\n\x1a\n", "image/png", "png", "PNG"),
    )
)


def files_dir() -> Path:
    path = Path(getattr(settings, "ONEWINDOW_FILES_DIR", Path(settings.DATA_DIR) / "files"))
    path.mkdir(parents=True, exist_ok=True)
    return path


def sniff(head: bytes) -> Sniffed | None:
    """The type of a file from its first bytes, or None when it is none we take."""
    for magic, kind in SIGNATURES:
        if head.startswith(magic):
            return kind
    return None


def _refuse(message: str) -> CaseError:
    return CaseError("FILE_INVALID", message, "file")


def _clean_name(name: str) -> str:
    base = Path(str(name or "")).name.replace("\x00", "").strip()
    return base[-200:] or "scan"


@transaction.atomic
def material_file_store(
    *,
    upload: IO[bytes] | Any,
    name: str,
    material_code: str,
    actor: Staff | Applicant,
    held: int = 0,
    application: Application | None = None,
) -> MaterialFile:
    """Check and keep one scan uploaded by `actor` for the material `material_code`.

    Refused (`FILE_INVALID`, field `file`) when empty, larger than MAX_FILE_BYTES, not a
    PDF, JPEG or PNG by its content, not whole (`Sniffed.whole`: its end is missing), or when
    `held` files of the material are already kept for this intake. The bytes are read in
    chunks, never more than the limit, keeping only the last TAIL bytes in memory; a refused
    file's bytes are removed at once and no row is written.
    An applicant always uploads into one of their applications (`application`, attached at
    once; the caller checks it is theirs and locks it, so `held` is counted under the lock)."""
    if isinstance(actor, Applicant) and (application is None or application.applicant_id != actor.pk):
        raise case_error("NOT_OWN_APPLICATION", field="application")
    code = str(material_code or "").strip()
    if not code or len(code) > 40:
        raise CaseError("FIELD_REQUIRED", _("Choose the material the scan belongs to."), "material")
    if held >= MAX_FILES_PER_MATERIAL:
        raise _refuse(_("At most %(n)d scans per material.") % {"n": MAX_FILES_PER_MATERIAL})
    head = b""
    while len(head) < 16 and (piece := upload.read(16 - len(head))):
        head += piece  # a stream may hand over fewer bytes than asked
    kind = sniff(head)
    if not head:
        raise _refuse(_("The file is empty."))
    if kind is None:
        raise _refuse(_("Only PDF, JPEG or PNG scans are taken (checked by the file's content)."))
    stored = f"{secrets.token_hex(16)}.{kind.extension}"
    target = files_dir() / stored
    digest = hashlib.sha256(head)
    size = len(head)
    tail = head
    try:
        with target.open("xb") as out:
            out.write(head)
            while chunk := upload.read(CHUNK):
                size += len(chunk)
                if size > MAX_FILE_BYTES:
                    raise _refuse(_("The file is larger than %(mb)d MB.") % {"mb": MAX_FILE_BYTES // 2**20})
                digest.update(chunk)
                out.write(chunk)
                tail = (tail + chunk[-TAIL:])[-TAIL:]
        if not kind.whole(tail, size):
            raise _refuse(
                _(
                    "The %(kind)s file is not whole (its end is missing): it was probably cut off "
                    "while uploading or copying. Upload it again, or scan it again."
                )
                % {"kind": kind.label}
            )
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    try:
        staff = actor if isinstance(actor, Staff) else None
        citizen = actor if isinstance(actor, Applicant) else None
        return MaterialFile.objects.create(
            center_id=application.center_id if application is not None else actor.center_id,  # type: ignore[union-attr]
            application=application,
            material_code=code,
            original_name=_clean_name(name),
            stored_name=stored,
            content_type=kind.content_type,
            size=size,
            sha256=digest.hexdigest(),
            uploaded_by=staff,
            uploaded_by_applicant=citizen,
            uploaded_at=clock.now(),
        )
    except BaseException:
        target.unlink(missing_ok=True)
        raise


def material_files_attach(*, application: Application, file_ids: Iterable[int], actor: Staff) -> int:
    """Attach the scans `actor` uploaded (not yet attached) to the application their intake
    created, for materials the application asks for (and the signed commitment letter,
    COMMITMENT_CODE). Others' or attached files are left."""
    codes = set(application.materials.values_list("code", flat=True)) | {COMMITMENT_CODE}
    return MaterialFile.objects.filter(
        pk__in=file_ids, uploaded_by=actor, application__isnull=True, material_code__in=codes
    ).update(application=application)


def material_file_get(*, actor: Staff, pk: int) -> MaterialFile | None:
    """The scan if `actor` may see it: an attached one when they may see one of its
    application's cases (the case selectors' scope), filed its application as a proxy
    agent, or check it at the township above the agent's village station
    (`org.access.scope_proxy_checked`: the hall's case is out of the township's case scope,
    its scans are not); a loose one only by who uploaded it."""
    row = MaterialFile.objects.filter(pk=pk).first()
    if row is None:
        return None
    if row.application_id is None:
        return row if row.uploaded_by_id == actor.pk else None
    if case_list(actor=actor).filter(application_id=row.application_id).exists():
        return row
    if proxy_applications(agent=actor).filter(pk=row.application_id).exists():
        return row
    if scope_proxy_checked(Application.objects.filter(pk=row.application_id), actor).exists():
        return row
    return None


def material_files_of(*, application_id: int) -> list[MaterialFile]:
    """Every file of an application, the replaced ones included (staff pages show them marked
    with when they were replaced), in upload order; one query. For a page whose scope is
    already checked: each link goes through `material_file_get` all the same."""
    return list(
        MaterialFile.objects.filter(application_id=application_id)
        .only(
            "pk",
            "material_code",
            "original_name",
            "content_type",
            "size",
            "uploaded_at",
            "superseded_at",
            "superseded_by_id",
        )
        .order_by("pk")
    )


def material_files_current(*, application: Application) -> list[MaterialFile]:
    """The files that count for the application's materials (not replaced), in upload order:
    what the applicant sees."""
    return list(application.files.filter(superseded_at__isnull=True).order_by("pk"))


def material_files_supersede(
    *,
    application: Application,
    code: str,
    by: MaterialFile,
    keep: Iterable[int] = (),
    before: datetime | None = None,
) -> int:
    """A replacement `by` came for material `code` a one-time notice sent back: the files of the
    material still current (those uploaded before the notice `before`, or all but `keep`) are
    marked replaced by it, at its upload time. Nothing is deleted: the trail and the staff
    pages keep them. The caller holds the application's lock. How many were marked."""
    qs = MaterialFile.objects.filter(
        application_id=application.pk, material_code=code, superseded_at__isnull=True
    ).exclude(pk__in=[by.pk, *keep])
    if before is not None:
        qs = qs.filter(uploaded_at__lt=before)
    return qs.update(superseded_at=by.uploaded_at, superseded_by=by)


def material_file_unsupersede(*, removed: MaterialFile, since: datetime) -> None:
    """A replacement not yet sent is removed: what it replaced is replaced by another file of the
    material uploaded since the notice (`since`), or counts again when none is left."""
    if removed.application_id is None:
        return
    other = (
        MaterialFile.objects.filter(
            application_id=removed.application_id,
            material_code=removed.material_code,
            superseded_at__isnull=True,
            uploaded_at__gte=since,
        )
        .exclude(pk=removed.pk)
        .order_by("pk")
        .first()
    )
    replaced = MaterialFile.objects.filter(superseded_by_id=removed.pk)
    if other is not None:
        replaced.update(superseded_by=other, superseded_at=other.uploaded_at)
    else:
        replaced.update(superseded_by=None, superseded_at=None)


def material_file_get_own(*, applicant: Applicant, pk: int) -> MaterialFile | None:
    """A file of an application the applicant filed themselves (whoever uploaded it), or None."""
    return MaterialFile.objects.filter(
        pk=pk, application__applicant_id=applicant.pk, application__submitted_by_id=applicant.user_id
    ).first()


def material_file_discard(row: MaterialFile) -> None:
    """Forget a file (a draft's upload the applicant removes): the row now, the bytes once the
    transaction commits (a rolled back removal keeps both)."""
    stored = row.stored_name
    row.delete()
    transaction.on_commit(lambda: (files_dir() / stored).unlink(missing_ok=True))


def material_file_response(row: MaterialFile) -> FileResponse:
    """A stored file as the portal and the workbench serve it, once their scope check found it:
    shown in the browser as the type its content was checked to be, never cached, never sniffed."""
    response = FileResponse((files_dir() / row.stored_name).open("rb"), content_type=row.content_type)
    response["Content-Disposition"] = "inline"
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def material_files_loose(*, actor: Staff, ids: list[int]) -> list[MaterialFile]:
    """The actor's scans among `ids` not yet attached (the intake being typed), in order."""
    return list(MaterialFile.objects.filter(pk__in=ids, uploaded_by=actor, application__isnull=True))
