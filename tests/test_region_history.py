"""The history of region rules, regions and the office directory (issue 12): listed, compared with the
current row in words, and restored, with the caches following a restore as they follow a save."""
import datetime

import pytest
from django.contrib.auth.models import Permission, User
from django.urls import reverse

from procedures import history
from procedures.models import Region, RegionRule, ServicePoint
from wizard.services import compute_plan

from .test_admin import change_form_data
from .test_versions import answers_for

TODAY = datetime.date(2026, 11, 25)
TO_BEIJING = {
    "reason": "expiring", "birth_date": "1990-03-04", "hukou_region": "410102", "residence_region": "110105",
    "card_expiry_date": "2026-12-20", "documents": ["old_card"], "has_photo_receipt": False,
    "delivery": "collect", "hardship": False, "needed_by": "2027-03-10",
}
pytestmark = pytest.mark.django_db


def beijing_promise():
    return RegionRule.objects.get(region__code="110000", topic="promise_cross_region")


def history_url(rule):
    return reverse("admin:procedures_regionrule_history", args=[rule.pk])


def record_url(rule, record):
    return reverse("admin:procedures_regionrule_simple_history", args=[record.id, record.history_id])


def change_in_admin(client, rule, **values):
    url = reverse("admin:procedures_regionrule_change", args=[rule.pk])
    data = {**change_form_data(client, url, form_id="regionrule_form"), **values}
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]


def restore_in_admin(client, rule, record):
    url = record_url(rule, record)
    data = change_form_data(client, url, form_id="historicalregionrule_form")
    data.pop("_continue")
    return client.post(url, {**data, "_save": "恢复为这个版本"})


def card_ready():
    plan, _data = compute_plan(answers_for(TO_BEIJING), today=TODAY)
    assert plan.card_ready.basis == "local_promise"
    return plan.card_ready.date


def test_every_seeded_row_starts_with_one_history_entry():
    for model in (Region, RegionRule, ServicePoint):
        assert model.history.filter(history_type="+").count() == model.objects.count() > 0
    assert beijing_promise().history.get().history_change_reason == "建立历史记录时的内容"


def test_the_history_lists_each_change_by_label_and_in_words(admin_client, admin_user):
    rule = beijing_promise()
    change_in_admin(admin_client, rule, days="5", unit="working_days")

    html = admin_client.get(history_url(rule)).content.decode()

    assert html.count('<th scope="row"><a href="/admin/procedures/regionrule/') == 2
    assert "<strong>天数</strong>：<del>20</del> → <ins>5</ins>" in html
    assert "<strong>天数单位</strong>：<del>自然日</del> → <ins>工作日</ins>" in html  # labels, not codes
    assert admin_user.username in html and "建立历史记录时的内容" in html


def test_a_past_version_is_compared_with_the_current_one_in_words(admin_client):
    rule = beijing_promise()
    first = rule.history.get()
    change_in_admin(admin_client, rule, days="5", unit="working_days", confidence="verified")

    html = admin_client.get(record_url(rule, first)).content.decode()

    assert 'id="restore-diff"' in html
    rows = {(change.label, change.old, change.new) for change in history.changes_to_restore(first)}
    assert rows == {("天数", "5", "20"), ("天数单位", "工作日", "自然日"), ("可信度", "已核实", "较可能")}
    for label, old, new in rows:
        assert (f'<th scope="row">{label}</th><td class="diff-old"><del>{old}</del></td>'
                f'<td class="diff-new"><ins>{new}</ins></td>') in html
    assert "恢复为这个版本" in html


def test_restoring_brings_back_the_rule_and_a_plan_made_after_it_uses_it(admin_client):
    before = card_ready()
    rule = beijing_promise()
    first = rule.history.get()
    change_in_admin(admin_client, rule, days="5")
    changed = card_ready()
    assert changed < before  # the caches followed the save

    response = restore_in_admin(admin_client, rule, first)

    assert response.status_code == 302 and response.url == history_url(rule)
    rule.refresh_from_db()
    assert rule.days == 20
    assert card_ready() == before  # ... and the restore, exactly as a save
    latest = rule.history.first()
    assert latest.history_type == "~" and latest.history_change_reason.startswith("恢复为 ")
    assert history.changes_to_restore(first) == []
    page = admin_client.get(response.url).content.decode()
    assert "已把“北京市：" in page and "恢复为" in page


def test_a_deleted_rule_can_be_restored_from_its_history(admin_client):
    rule = beijing_promise()
    pk = rule.pk
    rule.delete()
    last = RegionRule.history.filter(id=pk).first()
    assert last.history_type == "-"
    assert admin_client.get(reverse("admin:procedures_regionrule_history", args=[pk])).status_code == 200
    page = admin_client.get(record_url(rule, last)).content.decode()
    assert "这一条现在已删除" in page

    response = restore_in_admin(admin_client, rule, last)

    assert response.status_code == 302
    assert beijing_promise().pk == pk and beijing_promise().days == 20


@pytest.fixture
def viewer(db):
    user = User.objects.create_user("viewer", password="x", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_regionrule"))
    return user


def test_who_may_only_view_sees_the_history_and_cannot_restore(client, viewer, admin_client):
    rule = beijing_promise()
    first = rule.history.get()
    change_in_admin(admin_client, rule, days="5")
    client.force_login(viewer)

    assert client.get(history_url(rule)).status_code == 200
    page = client.get(record_url(rule, first))
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    data = {"region": rule.region_id, "topic": rule.topic, "applies": "on", "days": "20", "unit": "calendar_days",
            "confidence": "likely", "_save": "1"}
    assert client.post(record_url(rule, first), data).status_code == 403
    rule.refresh_from_db()
    assert rule.days == 5


def test_nobody_without_permission_sees_a_history(client):
    rule = beijing_promise()
    user = User.objects.create_user("clerk_only", password="x", is_staff=True)
    client.force_login(user)
    assert client.get(history_url(rule)).status_code == 403
    assert client.get(record_url(rule, rule.history.get())).status_code == 403


@pytest.mark.parametrize("path", [
    pytest.param("abc/history/", id="word-for-row"),
    pytest.param("0/history/", id="zero-row"),
    pytest.param("999999/history/", id="no-such-row"),
    pytest.param("{pk}/history/abc/", id="word-for-version"),
    pytest.param("{pk}/history/999999/", id="no-such-version"),
    pytest.param("{pk}/history/{other}/", id="another-rows-version"),
])
def test_a_typed_history_address_is_a_404_never_a_500(admin_client, path):
    rule = beijing_promise()
    other = RegionRule.objects.exclude(pk=rule.pk).first().history.get()
    url = "/admin/procedures/regionrule/" + path.format(pk=rule.pk, other=other.history_id)
    assert admin_client.get(url).status_code == 404


def test_regions_and_offices_keep_a_history_too(admin_client):
    point = ServicePoint.objects.first()
    point.hours = "周一至周五 9:00-17:00"
    point.weekend = ServicePoint.Weekend.NO
    point.save()
    html = admin_client.get(reverse("admin:procedures_servicepoint_history", args=[point.pk])).content.decode()
    assert "<strong>周末</strong>：<del>" in html and "<ins>周末不办理</ins>" in html
    region = Region.objects.get(code="110000")
    assert admin_client.get(reverse("admin:procedures_region_history", args=[region.pk])).status_code == 200
    record = region.history.get()
    page = admin_client.get(reverse("admin:procedures_region_simple_history", args=[region.pk, record.history_id]))
    assert "这个版本与现在的内容相同" in page.content.decode()
