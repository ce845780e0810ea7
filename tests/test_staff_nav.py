"""The overdue count in the navigation of every desk page: one query at most, kept a minute, fresh after a move."""
import datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from staff import services
from wizard.services import plan_create

from .test_staff import RENEWAL, TODAY


def _late(office, clerk, how_many):
    """Open ``how_many`` applications accepted 90 days ago (past both due dates)."""
    return [services.open_application(plan=plan_create(answers=RENEWAL, today=TODAY), office=office, user=clerk,
                                      today=TODAY - datetime.timedelta(days=90)) for _ in range(how_many)]


def _nav(html):
    return html.split('aria-label="工作台导航"', 1)[1].split("</nav>", 1)[0]


@pytest.fixture
def late(office, clerk):
    return _late(office, clerk, 3)


PAGES = [
    pytest.param(lambda a: reverse("staff:desk"), id="desk"),
    pytest.param(lambda a: reverse("staff:overdue"), id="overdue"),
    pytest.param(lambda a: reverse("staff:plan", kwargs={"code": a.plan.code}), id="plan"),
    pytest.param(lambda a: reverse("staff:application", kwargs={"code": a.plan.code}), id="application"),
    pytest.param(lambda a: reverse("staff:lookup") + "?code=x", id="failed-lookup"),
]


@pytest.mark.parametrize("url", PAGES)
def test_every_desk_page_shows_the_overdue_count_in_its_navigation(client, clerk, late, url):
    client.force_login(clerk)
    nav = _nav(client.get(url(late[0])).content.decode())
    assert '超期申请 <span class="count">3</span>' in nav


@pytest.mark.usefixtures("one_rate_window")
def test_the_too_many_page_shows_it_too(client, clerk, late, settings):
    settings.LOOKUP_RATE_LIMIT_PER_MINUTE = 1
    client.force_login(clerk)
    client.get(reverse("staff:lookup"), {"code": "x"})
    response = client.get(reverse("staff:lookup"), {"code": "x"})
    assert response.status_code == 429 and '<span class="count">3</span>' in _nav(response.content.decode())


def test_no_count_shows_when_nothing_is_overdue(client, clerk, office):
    client.force_login(clerk)
    assert 'class="count"' not in _nav(client.get(reverse("staff:overdue")).content.decode())


def _overdue_counts(queries):
    return [q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"].upper() and "card_ready_due" in q["sql"]]


def test_the_count_is_one_query_whatever_the_rows_and_kept_after(client, clerk, office):
    first = _late(office, clerk, 1)[0]
    client.force_login(clerk)
    url = reverse("staff:application", kwargs={"code": first.plan.code})
    client.get(url)  # the session's first desk page (it stamps the session)
    cache.clear()
    with CaptureQueriesContext(connection) as one_row:
        client.get(url)
    assert len(_overdue_counts(one_row)) == 1
    with CaptureQueriesContext(connection) as kept:
        client.get(url)
    assert _overdue_counts(kept) == [] and len(kept) == len(one_row) - 1
    _late(office, clerk, 5)
    cache.clear()
    with CaptureQueriesContext(connection) as six_rows:
        assert '<span class="count">6</span>' in _nav(client.get(url).content.decode())
    assert len(six_rows) == len(one_row)


def test_a_move_drops_the_kept_count(client, clerk, late):
    client.force_login(clerk)
    client.get(reverse("staff:desk"))
    services.move_application(application=late[0], target="withdrawn", note="不办了", expected_revision=1,
                              user=clerk)
    nav = _nav(client.get(reverse("staff:application", kwargs={"code": late[1].plan.code})).content.decode())
    assert '<span class="count">2</span>' in nav
