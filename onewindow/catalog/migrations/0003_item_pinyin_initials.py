"""The pinyin initials of every item's name (the intake search), filled for existing rows."""

from django.db import migrations, models


def fill(apps, schema_editor):
    from onewindow.catalog.pinyin import pinyin_initials

    ServiceItem = apps.get_model("catalog", "ServiceItem")
    batch = []
    for item in ServiceItem.objects.only("pk", "name").iterator(chunk_size=1000):
        item.pinyin_initials = pinyin_initials(item.name)
        batch.append(item)
        if len(batch) >= 1000:
            ServiceItem.objects.bulk_update(batch, ["pinyin_initials"])
            batch = []
    if batch:
        ServiceItem.objects.bulk_update(batch, ["pinyin_initials"])


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0002_codes_main_items_personal"),
    ]

    operations = [
        migrations.AddField(
            model_name="serviceitem",
            name="pinyin_initials",
            field=models.CharField(blank=True, editable=False, max_length=200, verbose_name="pinyin initials"),
        ),
        migrations.AddIndex(
            model_name="serviceitem",
            index=models.Index(fields=["center", "pinyin_initials"], name="item_center_pinyin"),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
