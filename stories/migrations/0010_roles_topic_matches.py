"""Roles: editors may also decide the topic matches of ingested articles.

Re-runs ``roles_sync`` (idempotent, add-only) so existing Editor groups get the
``sources.articletopic`` permissions and change on ``sources.sourcearticle``.
"""

from django.db import migrations

from stories.roles import roles_sync


def sync_roles(apps, schema_editor):
    roles_sync(apps=apps)


class Migration(migrations.Migration):
    dependencies = [
        ("stories", "0009_live_page_key_help"),
        ("sources", "0004_slug_help_text"),
    ]

    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
