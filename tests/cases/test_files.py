"""The one file store (`cases.files.material_file_store`): a scan is kept only when it is whole.

A truncated upload, bytes that only start like a scan, or the magic bytes alone are refused on
the field `file` with a Chinese message, and leave no bytes on disk and no row; a whole file
with the padding scanners write after its end is kept. Every upload surface stores through
this function (the window's intake, the portal's draft and notice answers, the commitment
letter: tests/workbench and tests/portal cover them end to end)."""

from __future__ import annotations

import io

import pytest

from onewindow.cases import files
from onewindow.cases.errors import CaseError
from onewindow.cases.models import MaterialFile
from tests.factories.org import StaffFactory
from tests.factories.scans import jpeg, pdf, png

pytestmark = pytest.mark.django_db
NOT_WHOLE = "文件不完整"


@pytest.fixture
def scans_dir(settings, tmp_path):
    settings.ONEWINDOW_FILES_DIR = tmp_path / "files"
    return files.files_dir()


@pytest.fixture
def clerk(db):
    return StaffFactory(roles=["intake_clerk"])


class Trickle(io.RawIOBase):
    """An upload that hands its bytes over in small pieces, as a slow phone's does."""

    def __init__(self, content: bytes, piece: int) -> None:
        self.content, self.piece, self.at = content, piece, 0

    def read(self, size: int = -1) -> bytes:
        n = self.piece if size < 0 else min(size, self.piece)
        out = self.content[self.at : self.at + n]
        self.at += len(out)
        return out


def store(clerk, content, name="scan.pdf", upload=None):
    return files.material_file_store(
        upload=upload or io.BytesIO(content), name=name, material_code="id_card", actor=clerk
    )


def refused(clerk, content, name="scan.pdf", upload=None) -> CaseError:
    with pytest.raises(CaseError) as exc:
        store(clerk, content, name, upload)
    assert (exc.value.code, exc.value.field) == ("FILE_INVALID", "file")
    return exc.value


def nothing_kept(scans_dir) -> bool:
    return not MaterialFile.objects.exists() and not [p for p in scans_dir.iterdir() if p.is_file()]


@pytest.mark.parametrize(
    ("content", "kind"),
    [
        (pdf()[: len(pdf()) // 2], "PDF"),
        (pdf()[:-7], "PDF"),  # the %%EOF line cut
        (pdf(b"x" * 200_000)[:150_000], "PDF"),  # a connection dropped mid-file
        (jpeg()[:-1], "JPEG"),
        (jpeg(b"\x00" * 100_000)[:70_000], "JPEG"),
        (png()[:-1], "PNG"),
        (png()[:-12], "PNG"),  # the whole IEND chunk missing
        (png() + b"\x00" * 8, "PNG"),  # a PNG ends with IEND: nothing after it
    ],
    ids=[
        "pdf-half",
        "pdf-no-eof",
        "pdf-dropped",
        "jpeg-last-byte",
        "jpeg-dropped",
        "png-crc",
        "png-iend",
        "png-after",
    ],
)
def test_a_scan_whose_end_is_missing_is_refused_and_nothing_is_kept(clerk, scans_dir, content, kind):
    error = refused(clerk, content)
    assert error.message == (
        f"该 {kind} 文件不完整（缺少文件结尾），可能在上传或复制时中断。请重新上传，或重新扫描后上传。"
    )
    assert nothing_kept(scans_dir)


@pytest.mark.parametrize(
    "content",
    [b"%PDF-", b"%PDF-1.4", b"\xff\xd8\xff", b"\xff\xd8\xff\xd9", b"\x89PNG\r\n\x1a\n"],
    ids=["pdf-magic", "pdf-version", "jpeg-magic", "jpeg-eoi-in-magic", "png-magic"],
)
def test_the_magic_bytes_alone_are_not_a_scan(clerk, scans_dir, content):
    assert NOT_WHOLE in refused(clerk, content).message
    assert nothing_kept(scans_dir)


def test_ten_megabytes_of_junk_after_a_pdf_header_is_refused_and_nothing_is_kept(clerk, scans_dir):
    junk = b"%PDF-1.7\n" + bytes(range(256)) * (files.MAX_FILE_BYTES // 256 - 1)
    assert len(junk) < files.MAX_FILE_BYTES
    assert NOT_WHOLE in refused(clerk, junk).message
    assert nothing_kept(scans_dir)


def test_an_eof_further_than_the_last_kilobyte_is_not_the_end(clerk, scans_dir):
    assert NOT_WHOLE in refused(clerk, pdf() + b"garbage " * 200).message
    assert nothing_kept(scans_dir)


@pytest.mark.parametrize(
    ("content", "content_type"),
    [
        (pdf(), "application/pdf"),
        (pdf(pad=b"\r\n"), "application/pdf"),
        (pdf(pad=b""), "application/pdf"),
        (pdf(pad=b"\n\x00\x00 \t\n" + b"\x00" * 2000), "application/pdf"),  # a scanner's padding
        (pdf(pad=b"\nstartxref 0 " * 50), "application/pdf"),  # within the last 1,024 bytes
        (jpeg(), "image/jpeg"),
        (jpeg(pad=b"\x00" * 3000), "image/jpeg"),
        (png(), "image/png"),
    ],
    ids=["pdf", "pdf-crlf", "pdf-no-newline", "pdf-padded", "pdf-tail", "jpeg", "jpeg-padded", "png"],
)
def test_a_whole_scan_with_the_padding_scanners_write_is_kept(clerk, scans_dir, content, content_type):
    row = store(clerk, content)
    assert (row.content_type, row.size) == (content_type, len(content))
    assert (scans_dir / row.stored_name).read_bytes() == content


@pytest.mark.parametrize("piece", [1, 7, 4095, 4097, files.CHUNK + 1])
def test_the_end_is_found_whatever_pieces_the_upload_arrives_in(clerk, scans_dir, piece):
    content = pdf(b"x" * 20_000, pad=b"\n" + b"\x00" * 500)
    assert store(clerk, content, upload=Trickle(content, piece)).size == len(content)
    cut = content[:-520]
    assert NOT_WHOLE in refused(clerk, cut, upload=Trickle(cut, piece)).message


def test_a_whole_file_of_the_largest_size_is_kept(clerk, scans_dir):
    content = pdf(b"0" * (files.MAX_FILE_BYTES - len(pdf(b""))))
    assert len(content) == files.MAX_FILE_BYTES
    assert store(clerk, content).size == files.MAX_FILE_BYTES


@pytest.mark.parametrize(
    ("name", "kept"),
    [
        ("营业执照（正本）🙂.pdf", "营业执照（正本）🙂.pdf"),
        ("", "scan"),
        ("   ", "scan"),
        ("a\x00b.pdf", "ab.pdf"),
    ],
)
def test_unicode_and_empty_names_are_still_taken(clerk, scans_dir, name, kept):
    assert store(clerk, pdf(), name).original_name == kept


def test_a_refused_scan_counts_for_nothing_and_the_next_whole_one_is_kept(clerk, scans_dir):
    refused(clerk, jpeg()[:-2], "photo.jpg")
    row = store(clerk, jpeg(), "photo.jpg")
    assert list(MaterialFile.objects.values_list("pk", flat=True)) == [row.pk]
    assert [p.name for p in scans_dir.iterdir()] == [row.stored_name]


def test_an_empty_file_and_another_type_keep_their_own_messages(clerk, scans_dir):
    assert refused(clerk, b"").message == "文件是空的。"
    assert refused(clerk, b"GIF89a" + pdf()).message.startswith("只接收 PDF、JPEG 或 PNG")
    assert nothing_kept(scans_dir)


def _real(kind: str) -> bytes:
    from PIL import Image
    from pypdf import PdfWriter

    out = io.BytesIO()
    if kind == "pdf":
        writer = PdfWriter()
        writer.add_blank_page(width=595, height=842)
        writer.write(out)
    else:
        Image.new("RGB", (320, 200), (200, 200, 190)).save(out, format=kind)
    return out.getvalue()


@pytest.mark.parametrize("kind", ["pdf", "JPEG", "PNG"])
def test_files_real_writers_make_are_kept_whole_and_refused_cut(clerk, scans_dir, kind):
    content = _real(kind)
    assert store(clerk, content).size == len(content)
    assert NOT_WHOLE in refused(clerk, content[: len(content) - 3]).message
