"""One query for every content stamp while a wizard page is served; fresh reads outside it."""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from procedures import selectors
from procedures.models import Region
from procedures.signals import bump_stamp

pytestmark = pytest.mark.django_db


def test_inside_the_block_the_stamps_take_one_query():
    selectors.region_snapshot()
    selectors.load_catalogue()
    with selectors.stamps_read_once(), CaptureQueriesContext(connection) as captured:
        selectors.region_snapshot()
        selectors.load_catalogue()
        selectors.region_snapshot()
    assert len(captured) == 1


def test_outside_the_block_a_change_is_seen_at_once():
    with selectors.stamps_read_once():
        before = selectors.region_snapshot()
    region = Region.objects.get(code="440300")
    region.name = "深圳"
    region.save()
    after = selectors.region_snapshot()
    assert after is not before
    assert selectors.current_stamp("regions") != 0


def test_a_block_reads_the_stamps_as_they_stand_when_it_first_needs_one():
    bump_stamp("calendar")
    with selectors.stamps_read_once():
        first = selectors.current_stamp("calendar")
        with selectors.stamps_read_once():  # nested: the same read
            assert selectors.current_stamp("calendar") == first
    bump_stamp("calendar")
    assert selectors.current_stamp("calendar") != first
