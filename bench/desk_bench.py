"""The counter's desk at scale: 10,000 applications and 50,000 plans at one office.

Run with ``make bench-desk`` (a throwaway SQLite database in a temporary directory,
or BENCH_DATABASE_URL). It migrates (which seeds the content), stores one computed
plan and copies it 50,000 times under fresh codes, opens 10,000 of them as
applications at one office (half a day overdue, a third sent on to the household-registration
county), then requests the desk's pages as a signed-in clerk (the queue with a tab, a search by
name, phone and code, a sort and a later page among them) and prints, per page, the number of
queries and the median time, and whether the queue's queries stayed the same for every choice.
"""
import datetime
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PLANS = int(os.environ.get("BENCH_PLANS", "50000"))
APPLICATIONS = int(os.environ.get("BENCH_APPLICATIONS", "10000"))
REPEAT = 5


def main():
    work = tempfile.mkdtemp(prefix="desk-bench-")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{work}/bench.sqlite3"
    import django

    django.setup()
    from django.conf import settings

    settings.ALLOWED_HOSTS = ["testserver"]
    from django.contrib.auth.models import Group, User
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    call_command("migrate", verbosity=0)
    from procedures.models import Region
    from staff.models import Application, Office, StaffMembership
    from wizard.models import Plan, new_reference_code
    from wizard.services import plan_create

    today = timezone.localdate()
    answers = {"reason": "expired", "birth_date": today.replace(year=today.year - 36), "hukou_region": "410102",
               "residence_region": "440305", "card_expiry_date": today.replace(day=1), "documents": ["old_card"],
               "has_photo_receipt": True, "delivery": "collect", "needed_by": None, "hardship": False}
    office = Office.objects.create(name="深圳市南山区异地受理点", region=Region.objects.get(code="440300"))
    clerk = User.objects.create_user("bench-clerk")
    clerk.groups.add(Group.objects.get(name="柜台工作人员"))
    StaffMembership.objects.create(user=clerk, office=office)
    model = plan_create(answers=answers, today=today, created_by=clerk)
    started = time.perf_counter()
    fields = {f.attname: getattr(model, f.attname) for f in Plan._meta.concrete_fields if f.attname not in ("id",)}
    Plan.objects.bulk_create([Plan(**{**fields, "code": new_reference_code()}) for _ in range(PLANS - 1)],
                             batch_size=2000)
    plans = list(Plan.objects.order_by("pk").values_list("pk", flat=True)[:APPLICATIONS])
    signoff = "户籍地审核签发"
    Application.objects.bulk_create([
        Application(plan_id=pk, office=office, procedure_id=model.procedure_id,
                    state_code="signoff" if index % 3 == 0 else "apply",
                    state_name=signoff if index % 3 == 0 else "到居住地异地受理点申请换领", accepted_on=today,
                    # every other one is a day late, so the overdue list is half the queue
                    card_ready_due=today - datetime.timedelta(days=index % 2), statutory_due=today,
                    applicant_name=f"张三{index}", applicant_phone=f"138{index:08d}", opened_by=clerk)
        for index, pk in enumerate(plans)], batch_size=2000)
    print(f"DESK seeded plans={Plan.objects.count()} applications={Application.objects.count()} "
          f"seconds={time.perf_counter() - started:.1f}")

    client = Client()
    client.force_login(clerk)
    code = model.code
    queue_pages = [
        ("desk", "/staff/"), ("desk-tab", "/staff/?status=a-hukou_office"), ("desk-search-name", "/staff/?q=张三12"),
        ("desk-search-phone", "/staff/?q=00001234"), ("desk-search-code", f"/staff/?q={code[:6]}"),
        ("desk-sort-status", "/staff/?sort=-status"), ("desk-sort-overdue", "/staff/?sort=overdue"),
        ("desk-page-100", "/staff/?page=100&sort=code"),
    ]
    desk_queries = {}
    for name, url in [*queue_pages, ("overdue", "/staff/overdue/"), ("plan", f"/staff/plan/{code}/"),
                      ("application", f"/staff/applications/{code}/")]:
        client.get(url)  # warm: compile the procedure, fill the caches
        times = []
        for _ in range(REPEAT):
            with CaptureQueriesContext(connection) as queries:
                begun = time.perf_counter()
                response = client.get(url)
                times.append((time.perf_counter() - begun) * 1000)
        print(f"DESK page={name} status={response.status_code} queries={len(queries)} "
              f"median_ms={statistics.median(times):.0f} bytes={len(response.content)}")
        if name.startswith("desk"):
            desk_queries[name] = len(queries)
    constant = len(set(desk_queries.values())) == 1
    print(f"DESK queue_queries={'constant' if constant else 'VARY'} {sorted(set(desk_queries.values()))}")


if __name__ == "__main__":
    main()
