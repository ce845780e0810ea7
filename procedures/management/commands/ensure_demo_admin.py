"""Create a demo superuser for local development, and print how to log in."""
import os

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse

USERNAME = "admin"
DEFAULT_PASSWORD = "demo-admin-2026"


class Command(BaseCommand):
    help = (
        "Create the superuser 'admin' when no superuser exists (development only, DEBUG must be on). "
        "The password is DEMO_ADMIN_PASSWORD or a fixed demo password; it is printed."
    )

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError(
                "Refusing to create a demo admin: DEBUG is off. "
                "This command is for development only; use createsuperuser elsewhere."
            )
        user_model = get_user_model()
        password = os.environ.get("DEMO_ADMIN_PASSWORD") or DEFAULT_PASSWORD
        login_url = f"http://127.0.0.1:{os.environ.get('PORT') or '8000'}{reverse('admin:index')}"

        if user_model.objects.filter(is_superuser=True).exists():
            demo = user_model.objects.filter(username=USERNAME, is_superuser=True).first()
            if demo is not None and demo.check_password(password):
                self._print_login(login_url, password, created=False)
            else:
                self.stdout.write(f"A superuser already exists; no demo admin created. Log in at {login_url}")
            return

        if user_model.objects.filter(username=USERNAME).exists():
            raise CommandError(
                f"A user named {USERNAME!r} exists but is not a superuser; "
                "make it one or delete it, then run this command again."
            )
        user_model.objects.create_superuser(username=USERNAME, email="", password=password)
        self._print_login(login_url, password, created=True)

    def _print_login(self, login_url, password, *, created):
        status = "Created demo admin." if created else "Demo admin already exists."
        self.stdout.write(self.style.SUCCESS(status))
        self.stdout.write(f"  Login URL: {login_url}")
        self.stdout.write(f"  Username:  {USERNAME}")
        self.stdout.write(f"  Password:  {password}")
