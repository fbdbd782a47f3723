"""Roles: the Writer and Editor groups and their permissions.

Permissions are normally created after all migrations run; they are created
here first so that the groups can be filled on a fresh database.
"""

from django.db import migrations

from stories.roles import ROLES, roles_sync


def create_roles(apps, schema_editor):
    roles_sync(apps=apps)


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("stories", "0003_workflow"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("topics", "0001_initial"),
        ("sources", "0001_initial"),
        ("faq", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
