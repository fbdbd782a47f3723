# An object's own entries in the feed's order: the API's per-object validators read its last entry and
# count its recent ones from this index alone; it replaces the (kind, object_id) index, its prefix.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("changes", "0002_txid_feed_order"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="changeevent", name="changeevent_object"),
        migrations.AddIndex(
            model_name="changeevent",
            index=models.Index(fields=["kind", "object_id", "txid", "id"], name="changeevent_object_feed"),
        ),
    ]
