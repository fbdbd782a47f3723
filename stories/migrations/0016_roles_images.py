"""Roles: writers upload and describe library images; editors may also delete them.

Re-runs ``roles_sync`` (idempotent, add-only) so existing groups get the ``images`` permissions.
"""

from django.db import migrations

from stories.roles import roles_sync


def sync_roles(apps, schema_editor):
    roles_sync(apps=apps)


class Migration(migrations.Migration):
    dependencies = [
        ("stories", "0015_changeevent_moved"),
        ("images", "0001_library"),
    ]

    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
