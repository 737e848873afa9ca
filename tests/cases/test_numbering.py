import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from onewindow.cases.services import MaterialIn
from onewindow.core.models import Counter
from onewindow.core.numbering import counter_next
from tests.factories.cases import make_world, submit

pytestmark = pytest.mark.django_db


def test_counter_starts_at_one_and_reserves_blocks():
    assert counter_next("test:a") == 1
    assert counter_next("test:a") == 2
    assert counter_next("test:a", 3) == 5
    assert counter_next("test:b") == 1
    assert Counter.objects.get(name="test:a").value == 5
    with pytest.raises(ValueError):
        counter_next("test:a", 0)


def test_a_handed_in_file_is_stored(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    world = make_world()
    upload = SimpleUploadedFile("id.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    app = submit(world, materials=[MaterialIn(code="id_card", file=upload, note="原件已核验")])
    row = app.materials.get(code="id_card")
    assert row.file.name.startswith("materials/")
    assert row.file.read() == b"%PDF-1.4 test"
    assert row.note == "原件已核验" and row.status == "received"
