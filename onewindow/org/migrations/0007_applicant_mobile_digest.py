# The applicant's mobile number gets a blind index like the ID number's, filled for the
# applicants already stored (the pickup window finds an applicant by mobile number).

from django.db import migrations, models

BATCH = 1000


def fill_digests(apps, schema_editor):
    """Decrypt each stored mobile number once and store its keyed digest (under the current
    key, as `org.services.applicant_clean` does), in batches by id."""
    from onewindow.core.fields import decrypt, personal_digest

    Applicant = apps.get_model("org", "Applicant")
    connection = schema_editor.connection
    qn = connection.ops.quote_name
    table, mobile = qn(Applicant._meta.db_table), qn(Applicant._meta.get_field("mobile").column)
    # The stored tokens, read as text: a token under a key no longer configured is skipped
    # (personal_data_rekey reports it) instead of stopping the migration.
    select = f"SELECT id, {mobile} FROM {table} WHERE id > %s AND {mobile} <> '' ORDER BY id LIMIT %s"  # noqa: S608
    last = 0
    while True:
        with connection.cursor() as cursor:
            cursor.execute(select, [last, BATCH])
            rows = cursor.fetchall()
        if not rows:
            return
        updates = []
        for pk, token in rows:
            last = pk
            try:
                plain = decrypt(token)
            except ValueError:
                continue
            updates.append(Applicant(pk=pk, mobile_digest=personal_digest(plain)))
        Applicant.objects.bulk_update(updates, ["mobile_digest"], batch_size=BATCH)


class Migration(migrations.Migration):
    dependencies = [
        ("org", "0006_applicant_document_kind"),
    ]

    operations = [
        migrations.AddField(
            model_name="applicant",
            name="mobile_digest",
            field=models.CharField(blank=True, db_index=True, editable=False, max_length=64),
        ),
        migrations.RunPython(fill_digests, migrations.RunPython.noop, elidable=True),
    ]
