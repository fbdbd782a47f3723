"""Author profiles (public author pages) and the people credited on each live revision.

Live stories' credits are filled from their bylines as they are now (the
working copy's; a story with unpublished byline changes is right again when
published next), and editors get the profiles' permissions.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from stories.roles import roles_sync


def credits_fill(apps, schema_editor):
    Story = apps.get_model("stories", "Story")
    StoryAuthor = apps.get_model("stories", "StoryAuthor")
    through = Story.live_authors.through
    live = Story.objects.filter(status="published", live_revision__isnull=False).values("pk")
    through.objects.bulk_create(
        [
            through(story_id=s, user_id=u)
            for s, u in StoryAuthor.objects.filter(story__in=live).values_list("story_id", "user_id")
        ],
        ignore_conflicts=True,
    )


def sync_roles(apps, schema_editor):
    roles_sync(apps=apps)


class Migration(migrations.Migration):
    dependencies = [
        ("images", "0001_library"),
        ("stories", "0024_authors"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="story",
            name="live_authors",
            field=models.ManyToManyField(
                blank=True,
                editable=False,
                help_text="The people credited on the live revision: their author pages list the story.",
                related_name="live_credits",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.CreateModel(
            name="AuthorProfile",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "slug",
                    models.SlugField(
                        help_text="The page's address: /authors/this-slug/. Usually first-last.",
                        max_length=100,
                        unique=True,
                        verbose_name="slug",
                    ),
                ),
                (
                    "name",
                    models.CharField(
                        blank=True,
                        help_text="How readers see the name on the author page; empty: the account's full name. Bylines keep the name the story was published with.",
                        max_length=150,
                        verbose_name="public name",
                    ),
                ),
                (
                    "role",
                    models.CharField(
                        blank=True, help_text='A title, e.g. "Latin America correspondent".', max_length=150, verbose_name="role"
                    ),
                ),
                (
                    "bio",
                    models.TextField(
                        blank=True, help_text="Two or three plain sentences.", max_length=1000, verbose_name="short bio"
                    ),
                ),
                ("updated_at", models.DateTimeField(auto_now=True, verbose_name="updated")),
                (
                    "photo",
                    models.ForeignKey(
                        blank=True,
                        help_text="A library image of the person (a portrait is cropped square). It cannot be deleted while used here.",
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="images.image",
                        verbose_name="photo",
                    ),
                ),
                (
                    "user",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="author_profile",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="person",
                    ),
                ),
            ],
            options={
                "verbose_name": "author profile",
                "verbose_name_plural": "author profiles",
                "ordering": ["slug"],
            },
        ),
        migrations.RunPython(credits_fill, migrations.RunPython.noop),
        migrations.RunPython(sync_roles, migrations.RunPython.noop),
    ]
