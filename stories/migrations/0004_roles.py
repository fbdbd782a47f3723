"""Roles: the Writer and Editor groups and their permissions.

Permissions are normally created after all migrations run; they are created
here first so that the groups can be filled on a fresh database.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

CHILDREN = ["sectionblock", "citation", "storytopic", "storyquestion"]

WRITER = [
    ("stories", "add_story"), ("stories", "change_story"), ("stories", "view_story"), ("stories", "submit_story"),
    *[("stories", f"{verb}_{model}") for model in CHILDREN for verb in ("add", "change", "delete", "view")],
    ("stories", "view_revision"), ("stories", "view_transition"), ("stories", "view_updatenote"),
    ("topics", "view_topic"), ("sources", "view_outlet"), ("sources", "view_feed"),
    ("sources", "view_sourcearticle"), ("faq", "view_commonquestion"), ("faq", "view_questionitem"),
]

EDITOR = WRITER + [
    ("stories", "publish_story"), ("stories", "delete_story"),
    ("stories", "view_slugredirect"), ("stories", "change_slugredirect"), ("stories", "delete_slugredirect"),
    *[(app, f"{verb}_{model}") for app, model in [
        ("topics", "topic"), ("sources", "outlet"), ("sources", "feed"),
        ("faq", "commonquestion"), ("faq", "questionitem"),
    ] for verb in ("add", "change", "delete", "view")],
]

ROLES = {"Writer": WRITER, "Editor": EDITOR}


def create_roles(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codes in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        perms = [
            Permission.objects.get(content_type__app_label=app, codename=codename) for app, codename in codes
        ]
        group.permissions.add(*perms)


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
