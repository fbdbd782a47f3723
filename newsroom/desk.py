"""The shapes of the desk's panels (``settings.ADMIN_DESK_PANELS``): any app may contribute panels without
importing another (the events app, which must never import the stories side, adds the Developing panel)."""

from dataclasses import dataclass, field


@dataclass
class Item:
    title: str
    url: str
    meta: str = ""
    note: str = ""  # a comment to read (a return), shown quoted
    flag: str = ""  # "overdue" …: drawn as a warning


@dataclass
class Panel:
    key: str
    title: str
    items: list[Item]
    count: int
    empty: str
    more_url: str = ""
    help: str = ""
    attention: bool = False  # waiting on this user: drawn first and marked
    extra: dict = field(default_factory=dict)
