"""A story may follow a developing event (issue 16); writers see the board and editors correct events."""

import django.db.models.deletion
from django.db import migrations, models

from stories.roles import roles_sync


def sync_roles(apps, schema_editor):
    roles_sync(apps=apps)


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0001_events"),
        ("stories", "0025_author_profiles"),
    ]

    operations = [
        migrations.AddField(
            model_name="story",
            name="follows_event",
            field=models.ForeignKey(
                blank=True,
                help_text="A developing event this story follows: its page here lists the articles that joined the event since the story was last published, and the desk flags it when there are some.",
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="following_stories",
                to="events.event",
                verbose_name="follows event",
            ),
        ),
        migrations.RunPython(sync_roles, migrations.RunPython.noop),
    ]
