"""The per-process content caches (regions, live catalogue) follow every write, in this worker and others."""
import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from procedures import selectors, services
from procedures.models import ContentStamp, Fee, RegionRule

TODAY = datetime.date(2026, 11, 25)
pytestmark = pytest.mark.django_db


def test_a_saved_region_rule_is_seen_at_once():
    assert selectors.resolve_region("440300").rule("photo_receipt").days == 180
    rule = RegionRule.objects.get(region__code="440000", topic="photo_receipt")
    rule.days = 90
    rule.save()
    assert selectors.resolve_region("440305").rule("photo_receipt").days == 90


def test_another_workers_write_is_seen_through_the_stamp():
    """A write in another process changes only the stamp row this one reads: that is enough."""
    assert selectors.resolve_region("440300").rule("photo_receipt").days == 180
    RegionRule.objects.filter(region__code="440000", topic="photo_receipt").update(days=30)  # no signal here
    assert selectors.resolve_region("440300").rule("photo_receipt").days == 180  # still the cached rows
    ContentStamp.objects.update_or_create(key="regions", defaults={"token": 12345})
    assert selectors.resolve_region("440300").rule("photo_receipt").days == 30


def test_resolving_regions_again_costs_one_query():
    selectors.resolve_region("440300")
    with CaptureQueriesContext(connection) as queries:
        selectors.resolve_region("410102")
    assert len(queries) == 1  # the stamp


def test_a_published_version_replaces_the_cached_catalogue():
    def renewal():
        catalogue = selectors.load_catalogue(TODAY)
        return next(p for p in catalogue.main if p.slug == "cross-region-renewal")

    before = renewal()
    assert selectors.load_catalogue(TODAY) is selectors.load_catalogue(TODAY)
    draft = services.draft_create(source=selectors.live_version("cross-region-renewal", TODAY))
    fee = Fee.objects.get(procedure=draft, code="renewal")
    fee.amount_yuan = 25
    fee.save()
    assert renewal().version == before.version  # a draft is not live
    services.procedure_publish(procedure=draft, today=TODAY)
    after = renewal()
    assert after.version == before.version + 1
    assert next(f for f in after.fees if f.code == "renewal").amount == 25


def test_the_catalogue_is_kept_per_day():
    assert selectors.load_catalogue(TODAY) is not selectors.load_catalogue(TODAY + datetime.timedelta(days=1))
