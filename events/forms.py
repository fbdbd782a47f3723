"""The forms of an event's page: move articles to another (or a new) event; merge the event into another."""

from django import forms

from .models import Event

NEW = "new"


def _event_choices(targets) -> list[tuple[str, str]]:
    return [(str(e.pk), f"{e.title} ({e.article_count} articles, {e.outlet_count} outlets)") for e in targets]


class _TargetField(forms.CharField):
    """An event id (or "new"), checked against the database rather than the options shown: an event merged
    since the page was drawn gets the service's clear message, not "select a valid choice"."""

    def __init__(self, *, allow_new: bool, **kwargs):
        self.allow_new = allow_new
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        if self.allow_new and value == NEW:
            return None
        if not value.isdigit() or not Event.objects.filter(pk=int(value)).exists():
            raise forms.ValidationError("Choose an event from the list.")
        return Event.objects.select_related("merged_into").get(pk=int(value))


class MoveForm(forms.Form):
    articles = forms.TypedMultipleChoiceField(
        label="Articles to move", coerce=int, error_messages={"required": "Tick at least one article to move."}
    )
    to_event = _TargetField(label="Move them to", allow_new=True)
    new_title = forms.CharField(
        label="Title of the new event", required=False, max_length=500,
        help_text="For “a new event”; blank: the first article's headline.",
    )  # fmt: skip

    def __init__(self, *args, article_ids: list[int], targets, **kwargs):
        super().__init__(*args, **kwargs)
        # Any id of an article is accepted here; whether it is still in this event is the service's check.
        self.fields["articles"].choices = [(pk, pk) for pk in article_ids]
        self.fields["articles"].valid_value = lambda value: str(value).isdigit()
        self.fields["to_event"].widget = forms.Select(choices=[(NEW, "A new event"), *_event_choices(targets)])


class MergeForm(forms.Form):
    into = _TargetField(label="Merge this event into", allow_new=False)

    def __init__(self, *args, targets, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["into"].widget = forms.Select(choices=[("", "Choose an event…"), *_event_choices(targets)])
