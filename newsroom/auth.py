"""Authentication backends, and how people are named on screens."""

from axes.backends import AxesStandaloneBackend


class LoginThrottleBackend(AxesStandaloneBackend):
    """django-axes' lock-out check for logins made through a request (the admin).

    Authentication without a request (management commands, the test client's
    ``login``) has no client to throttle; it is left to the next backend
    instead of failing.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def display_name(user, *, nobody: str = "") -> str:
    """How a person is named on editors' and readers' screens: full name, else username; ``nobody`` for no one."""
    if user is None:
        return nobody
    return user.get_full_name() or user.get_username()


def byline(names: list[str]) -> str:
    """Names as a byline reads them: "Ana", "Ana and Ben", "Ana, Ben and Chloe"; '' for none."""
    if len(names) < 2:
        return "".join(names)
    return f"{', '.join(names[:-1])} and {names[-1]}"
