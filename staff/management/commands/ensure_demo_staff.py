"""Create a demo office and counter clerk for local development, and print how to log in."""
import os

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError

from procedures.models import Region
from staff.models import Office, StaffMembership

OFFICE_NAME = "深圳市南山区居民身份证异地受理点（演示）"
OFFICE_REGION = "440300"
CLERK = "clerk"
DEFAULT_PASSWORD = "demo-clerk-2026"


class Command(BaseCommand):
    help = "Create a demo office and the counter clerk 'clerk' (development only, DEBUG must be on)."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("Refusing to create demo staff: DEBUG is off. This command is for development only.")
        office, _ = Office.objects.get_or_create(
            name=OFFICE_NAME, defaults={"region": Region.objects.get(code=OFFICE_REGION),
                                        "address": "演示地址，非真实受理点"})
        users = get_user_model().objects
        password = os.environ.get("DEMO_CLERK_PASSWORD") or DEFAULT_PASSWORD
        clerk = users.filter(username=CLERK).first()
        if clerk is None:
            clerk = users.create_user(username=CLERK, password=password)
        clerk.groups.add(Group.objects.get(name="柜台工作人员"))
        StaffMembership.objects.get_or_create(user=clerk, defaults={"office": office})
        for admin in users.filter(is_superuser=True):
            StaffMembership.objects.get_or_create(user=admin, defaults={"office": office})
        port = os.environ.get("PORT") or "8000"
        self.stdout.write(self.style.SUCCESS(f"Demo counter desk: http://127.0.0.1:{port}/staff/"))
        if clerk.check_password(password):
            self.stdout.write(f"  Username:  {CLERK}")
            self.stdout.write(f"  Password:  {password}")
