"""Roles: editors register webhook endpoints and read the delivery log (writers do not).

Re-runs ``roles_sync`` (idempotent, add-only) so the existing Editor group gets the ``webhooks`` permissions.
"""

from django.db import migrations

from stories.roles import roles_sync


def sync_roles(apps, schema_editor):
    roles_sync(apps=apps)


class Migration(migrations.Migration):
    dependencies = [
        ("webhooks", "0001_initial"),
        ("stories", "0023_search_and_social"),
    ]

    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
