from django.db import migrations


def rebuild_search_keys(apps, schema_editor):
    """Every shown item's portal search keys again: the full pinyin keys are now of the folded
    pinyin (catalog.search.fold), so a search looks up keys the old ones lack. The same pure
    key function as catalog.search.search_keys_refresh, on the historical models."""
    from onewindow.catalog.search import keys_for

    item_model = apps.get_model("catalog", "ServiceItem")
    version_model = apps.get_model("catalog", "ServiceItemVersion")
    key_model = apps.get_model("catalog", "SearchKey")
    key_model.objects.all().delete()
    published = dict(version_model.objects.filter(status="published").values_list("item_id", "keywords"))
    keys = []
    shown = item_model.objects.filter(is_active=True, center__is_active=True)
    for pk, name, code, initials, full in shown.values_list(
        "pk", "name", "code", "pinyin_initials", "pinyin_full"
    ).iterator():
        if pk not in published:
            continue
        found = keys_for(name=name, code=code, keywords=published[pk] or "", initials=initials, full=full)
        keys += [key_model(item_id=pk, key=k) for k in sorted(found)]
        if len(keys) >= 20_000:
            key_model.objects.bulk_create(keys, batch_size=2000)
            keys = []
    key_model.objects.bulk_create(keys, batch_size=2000)


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0005_portal_search_keys_sample_faq"),
    ]

    operations = [migrations.RunPython(rebuild_search_keys, migrations.RunPython.noop)]
