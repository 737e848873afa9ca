"""The commands import_catalog, export_catalog (JSON and Excel by extension)."""

import json

import pytest
from django.core.management import CommandError, call_command

from onewindow.catalog.models import ServiceItem
from onewindow.catalog.services import catalog_import
from onewindow.core.models import Job
from tests.factories.catalog import catalog_document as document


@pytest.mark.django_db
def test_import_command_reads_json_and_xlsx(org, tmp_path, capsys):
    json_path = tmp_path / "catalog.json"
    json_path.write_text(json.dumps(document(2), ensure_ascii=False), encoding="utf-8")
    call_command("import_catalog", str(json_path), "--center", "XTX", "--dry-run")
    assert ServiceItem.objects.count() == 0
    call_command("import_catalog", str(json_path), "--center", "XTX")
    assert ServiceItem.objects.count() == 2
    out = tmp_path / "out.xlsx"
    call_command("export_catalog", "--center", "XTX", "-o", str(out))
    call_command("import_catalog", str(out), "--center", "XTX")
    assert "未变化事项2项" in capsys.readouterr().out


@pytest.mark.django_db
def test_import_command_prints_the_report_and_fails(org, tmp_path, capsys):
    bad = document(2)
    bad["items"][1]["version"]["promised_limit_days"] = 99
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(bad, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("import_catalog", str(path), "--center", "XTX")
    err = capsys.readouterr().err
    assert "items[1].version.promised_limit_days" in err and "承诺时限" in err
    assert ServiceItem.objects.count() == 0
    job = Job.objects.get()  # the import ran as a job: its report keeps the problems
    assert (job.state, job.report["ok"], job.report["problem_count"]) == ("done", False, 1)


@pytest.mark.django_db
def test_export_json_command(org, tmp_path):
    catalog_import(center=org, data=document(2))
    path = tmp_path / "out.json"
    call_command("export_catalog", "--center", "XTX", "-o", str(path))
    assert json.loads(path.read_text(encoding="utf-8")) == document(2)
