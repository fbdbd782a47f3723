"""Roles: writers may add a new topic or outlet (editors alone change existing ones).

Re-runs ``roles_sync`` (idempotent, add-only) so the existing Writer group gets ``add_topic`` and ``add_outlet``.
"""

from django.db import migrations

from stories.roles import roles_sync


def sync_roles(apps, schema_editor):
    roles_sync(apps=apps)


class Migration(migrations.Migration):
    dependencies = [
        ("stories", "0019_notifications"),
        ("topics", "0003_images"),
        ("sources", "0006_images"),
    ]

    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
