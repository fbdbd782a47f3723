"""Roles: the Writer and Editor groups and the permissions each holds.

Writers create stories, edit their own drafts, submit them for review (and
withdraw them), add a new topic or outlet a story needs, and upload and
describe images. Editors do
all that, plus return, schedule, publish and unpublish stories, edit any
story, manage topics, outlets and questions, and confirm or remove the topic
matches of ingested articles, register webhook endpoints, and correct the
clustering of events (move articles, merge events); both see the Developing board. ``roles_sync`` is run by migrations and by
``manage.py createuser``; it is idempotent.
"""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions

STORY_CHILDREN = ["sectionblock", "citation", "storytopic", "storyquestion"]
REFERENCE_DATA = [
    ("topics", "topic"),
    ("sources", "outlet"),
    ("sources", "feed"),
    ("faq", "commonquestion"),
    ("faq", "questionitem"),
]

WRITER = [
    ("stories", "add_story"),
    ("stories", "change_story"),
    ("stories", "view_story"),
    ("stories", "submit_story"),
    *[("stories", f"{verb}_{model}") for model in STORY_CHILDREN for verb in ("add", "change", "delete", "view")],
    ("stories", "view_storyauthor"),  # the byline: editors give authorship
    ("stories", "view_authorprofile"),  # a writer keeps their own author page (the admin shows them theirs only)
    ("stories", "change_authorprofile"),
    ("stories", "view_revision"),
    ("stories", "view_transition"),
    ("stories", "view_updatenote"),
    ("topics", "view_topic"),
    ("sources", "view_outlet"),
    ("sources", "view_feed"),
    ("sources", "view_sourcearticle"),
    ("faq", "view_commonquestion"),
    ("faq", "view_questionitem"),
    # A story may need an outlet or a topic nobody has added yet: writers add them (editors change them).
    ("topics", "add_topic"),
    ("sources", "add_outlet"),
    # The image library: writers upload pictures and describe them (alt text, credit, focal point).
    ("images", "add_image"),
    ("images", "change_image"),
    ("images", "view_image"),
    ("images", "view_rendition"),
    # The Developing board and an event's page (a writer starts a story from an event); editors correct events.
    ("events", "view_event"),
]

EDITOR = WRITER + [
    ("stories", "publish_story"),
    ("stories", "delete_story"),
    ("stories", "view_slugredirect"),
    ("stories", "change_slugredirect"),
    ("stories", "delete_slugredirect"),
    *[("stories", f"{verb}_storyauthor") for verb in ("add", "change", "delete")],
    *[("stories", f"{verb}_authorprofile") for verb in ("add", "delete")],  # anyone's author page
    ("images", "delete_image"),
    *[(app, f"{verb}_{model}") for app, model in REFERENCE_DATA for verb in ("add", "change", "delete", "view")],
    # Confirming or removing an ingested article's topic matches (list actions and the article's inline).
    ("sources", "change_sourcearticle"),
    ("sources", "view_sourcearticle"),
    *[("sources", f"{verb}_articletopic") for verb in ("add", "change", "delete", "view")],
    # Webhooks for app backends: endpoints (their secrets) and the delivery log are editors' only.
    *[("webhooks", f"{verb}_endpoint") for verb in ("add", "change", "delete", "view")],
    ("webhooks", "view_delivery"),
    ("events", "change_event"),  # move an article to another event, merge two events
]

ROLES = {"Writer": WRITER, "Editor": EDITOR}


def roles_sync(*, apps=global_apps) -> None:
    """Create the role groups (and any missing permissions) and give each group its permissions."""
    for app_config in apps.get_app_configs():
        # Historical app configs (in migrations) have no models module; create_permissions skips those.
        models_module = getattr(app_config, "models_module", None)
        app_config.models_module = models_module or True
        create_permissions(app_config, verbosity=0, apps=apps)
        app_config.models_module = models_module
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codes in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(
            *[
                Permission.objects.get(content_type__app_label=app, codename=codename)
                for app, codename in codes
                if _model_exists(apps, app, codename)
            ]
        )


def _model_exists(apps, app_label: str, codename: str) -> bool:
    """Whether the permission's model exists yet: an early migration gives only those; a later one the rest."""
    model_name = codename.split("_", 1)[1]
    try:
        apps.get_model(app_label, model_name)
    except LookupError:
        return False
    return True
