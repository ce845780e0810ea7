"""A procedure's long change page folds what is needed less often, and every condition reads in words."""
import re

import pytest
from django.urls import reverse

from procedures import models

from .test_admin import change_form_data, change_url, form_index, inline_prefix, procedure  # noqa: F401

FOLDED_INLINES = ["requirement_set", "notice_set", "urgentoption_set", "validityrule_set", "timelimit_set"]
OPEN_INLINES = ["state_set", "transition_set", "fee_set"]


def folded(html, heading_id):
    """Return True if the heading with this id is the summary of a <details> (folded until opened)."""
    return re.search(rf'<details><summary>\s*<h\d id="{heading_id}"', html) is not None


def test_the_change_page_folds_the_parts_needed_less_often(admin_client, procedure):  # noqa: F811
    html = admin_client.get(change_url(procedure)).content.decode()

    for prefix in FOLDED_INLINES:
        assert folded(html, f"{prefix}-heading"), prefix
    for prefix in OPEN_INLINES:
        assert f'id="{prefix}-heading"' in html and not folded(html, f"{prefix}-heading"), prefix
    # The procedure's own "version" and "source" boxes, and each stacked row's source, are folded too;
    # the name, kind and condition are not.
    assert html.count('<details><summary>\n        <h2 id="fieldset-0-1-heading"') == 1
    assert folded(html, "fieldset-0-2-heading") and not folded(html, "fieldset-0-0-heading")
    assert folded(html, "state_set-0-1-heading") and folded(html, "fee_set-0-1-heading")
    assert 'name="name"' in html and 'name="applies_when"' in html


def test_a_folded_part_with_an_error_is_shown_open(admin_client, procedure):  # noqa: F811
    url = change_url(procedure)
    data = change_form_data(admin_client, url)
    prefix = inline_prefix(admin_client.get(url), models.Requirement)
    data[f"{prefix}-0-code"] = "Not A Code"
    data[f"{prefix}-0-source"] = "x" * 3  # the row's source box stays folded: its fields are fine

    response = admin_client.post(url, data)

    html = response.content.decode()
    assert response.status_code == 200
    assert not folded(html, f"{prefix}-heading")
    assert "只能使用小写字母" in html


def test_a_documents_held_when_condition_is_edited_with_its_words(admin_client, procedure):  # noqa: F811
    url = change_url(procedure)
    data = change_form_data(admin_client, url)
    prefix = inline_prefix(admin_client.get(url), models.Requirement)
    index = form_index(data, prefix, "code", "old_card")
    data[f"{prefix}-{index}-held_when"] = '{"fact": "documents", "op": "in", "value": ["old_card"]}'

    admin_client.post(url, data)

    held = models.Requirement.objects.get(procedure=procedure, code="old_card").held_when
    assert held == {"fact": "documents", "op": "in", "value": ["old_card"]}
    html = admin_client.get(url).content.decode()
    assert "申请人已有的条件（文字）" in html
    assert "手头的证件包含 原来的身份证 之一" in html


@pytest.mark.django_db
def test_a_service_points_condition_reads_in_words(admin_client):
    region = models.Region.objects.get(code="350200")
    point = models.ServicePoint.objects.create(
        region=region, kind=models.ServicePoint._meta.get_field("kind").default or "office", name="测试受理点",
        condition={"fact": "reason", "op": "eq", "value": "lost"})

    html = admin_client.get(reverse("admin:procedures_servicepoint_change", args=[point.pk])).content.decode()

    assert "条件（文字）" in html and "申请原因为 证件丢了" in html
