import secrets

from django.db import migrations, models

import onewindow.cases.models

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def give_each_case_its_own_code(apps, schema_editor):
    Case = apps.get_model("cases", "Case")
    batch = []
    for case in Case.objects.only("pk").iterator(chunk_size=2000):
        case.query_code = "".join(secrets.choice(ALPHABET) for _ in range(8))
        batch.append(case)
        if len(batch) == 2000:
            Case.objects.bulk_update(batch, ["query_code"])
            batch = []
    if batch:
        Case.objects.bulk_update(batch, ["query_code"])


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0005_application_form_personal"),
    ]

    operations = [
        # Added blank first: a callable default would give every existing case the same code.
        migrations.AddField(
            model_name="case",
            name="query_code",
            field=models.CharField(default="", editable=False, max_length=8, verbose_name="query code"),
            preserve_default=False,
        ),
        migrations.RunPython(give_each_case_its_own_code, migrations.RunPython.noop, elidable=True),
        migrations.AlterField(
            model_name="case",
            name="query_code",
            field=models.CharField(
                default=onewindow.cases.models.new_query_code,
                editable=False,
                help_text="Printed on the notices: with the case number it opens the public progress page.",
                max_length=8,
                verbose_name="query code",
            ),
        ),
    ]
