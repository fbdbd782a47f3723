"""A server-drawn sparkline of an event's arrivals: an inline SVG of bars, with its text alternative.

No script and no image request: the board stays one page load. The SVG is an
``img`` whose accessible name is the sentence a screen reader needs (how many
articles, when most arrived, how many lately); the same sentence is the
``title`` a pointer shows.
"""

from datetime import datetime, timedelta

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from newsroom.formats import when

WIDTH, HEIGHT, GAP = 96, 24, 1


def sparkline_text(*, bins: list[int], start: datetime, step: timedelta, recent: int, recent_hours: int) -> str:
    """ "12 articles in 3 days, most (5) in the 3 hours to 1 December 2026, 15:00 UTC; 3 in the last 6 hours." """
    total = sum(bins)
    if not total:
        return "No articles in this period."
    peak = max(range(len(bins)), key=lambda i: (bins[i], i))
    hours = round(step.total_seconds() / 3600, 1)
    span = f"{hours:g} hour{'s' if hours != 1 else ''}"
    days = round((step * len(bins)).total_seconds() / 86400, 1)
    return (
        f"{total} article{'s' if total != 1 else ''} in {days:g} day{'s' if days != 1 else ''}, "
        f"most ({bins[peak]}) in the {span} to {when(start + step * (peak + 1))}; "
        f"{recent} in the last {recent_hours} hours."
    )


def sparkline_svg(*, bins: list[int], label: str) -> SafeString:
    """Bars, oldest on the left, scaled to the busiest step; an empty step is a hairline so time still reads."""
    top = max(bins) or 1
    width = (WIDTH - GAP * (len(bins) - 1)) / len(bins)
    bars = format_html_join(
        "",
        '<rect x="{}" y="{}" width="{}" height="{}"></rect>',
        (
            (
                f"{i * (width + GAP):.2f}",
                f"{HEIGHT - max(1.0, HEIGHT * n / top):.2f}",
                f"{width:.2f}",
                f"{max(1.0, HEIGHT * n / top):.2f}",
            )
            for i, n in enumerate(bins)
        ),
    )
    return format_html(
        '<svg class="sparkline" role="img" aria-label="{}" viewBox="0 0 {} {}" width="{}" height="{}" '
        'preserveAspectRatio="none" focusable="false"><title>{}</title>{}</svg>',
        label, WIDTH, HEIGHT, WIDTH, HEIGHT, label, bars,
    )  # fmt: skip
