import getpass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from stories.roles import roles_sync

ROLES = {"writer": "Writer", "editor": "Editor"}


class Command(BaseCommand):
    help = (
        "Create a staff account with a newsroom role: writers draft and submit stories; editors also review, "
        "schedule, publish, unpublish and manage topics, outlets and questions. Re-running changes the role."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", choices=sorted(ROLES), required=True, help="writer or editor")
        parser.add_argument("--email", default="")
        parser.add_argument("--first-name", default="")
        parser.add_argument("--last-name", default="")
        parser.add_argument("--password", help="The password (prompted for when omitted and a terminal is attached).")

    def handle(self, *args, username, role, email, first_name, last_name, password, **options):
        roles_sync()  # the groups exist after migrate; this also repairs them if someone deleted one
        User = get_user_model()
        user, created = User.objects.get_or_create(username=username)
        if created or password:
            password = password or self._prompt()
            try:
                validate_password(password, user)
            except ValidationError as exc:
                if created:
                    user.delete()
                raise CommandError(" ".join(exc.messages)) from None
            user.set_password(password)
        user.email = email or user.email
        user.first_name = first_name or user.first_name
        user.last_name = last_name or user.last_name
        user.is_staff = True
        user.save()
        user.groups.remove(*Group.objects.filter(name__in=ROLES.values()))
        user.groups.add(Group.objects.get(name=ROLES[role]))
        self.stdout.write(f"{'Created' if created else 'Updated'} {username} as {ROLES[role].lower()}. Sign in at /admin/.")

    def _prompt(self) -> str:
        first = getpass.getpass("Password: ")
        if first != getpass.getpass("Password (again): "):
            raise CommandError("The passwords did not match.")
        return first
