"""The admin's version pages: read-only published versions, new draft, publish with linked checks,
preview without a saved plan, history, diff, diagram, the stale list, export and import."""
import datetime
import json
import re

import pytest
from django.contrib.auth.models import Permission, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from procedures import questions, selectors, services
from procedures.models import Fee, Procedure, Region, State, Transition
from wizard.models import Plan
from wizard.services import RegionLookup, compute_plan

from .test_exchange import HOSTILE, hostile, snapshot
from .test_wizard import Applicant, expiring_to_shenzhen

PREVIEW = "/admin/procedures/procedure/preview/"


def change_url(procedure):
    return reverse("admin:procedures_procedure_change", args=[procedure.pk])


@pytest.fixture
def live_renewal(db):
    return selectors.live_version("cross-region-renewal")


@pytest.fixture
def draft(live_renewal):
    return services.draft_create(source=live_renewal)


def test_a_published_version_is_read_only(admin_client, live_renewal):
    response = admin_client.get(change_url(live_renewal))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'name="_save"' not in html
    assert "新建草稿（复制这个版本）" in html
    assert admin_client.post(change_url(live_renewal), {"name": "改名"}).status_code == 403
    live_renewal.refresh_from_db()
    assert live_renewal.name != "改名"


def test_new_draft_button_opens_a_copy(admin_client, admin_user, live_renewal):
    response = admin_client.post(reverse("admin:procedures_procedure_new_draft", args=[live_renewal.pk]))
    new = Procedure.objects.get(slug=live_renewal.slug, status=Procedure.Status.DRAFT)
    assert response.status_code == 302 and response.url == change_url(new)
    assert new.created_by == admin_user and new.based_on == live_renewal
    page = admin_client.get(change_url(new)).content.decode()
    assert 'name="_save"' in page and 'id="publish-link"' in page and 'id="preview-link"' in page


def test_change_page_shows_diagram_and_conditions_in_words(admin_client, live_renewal):
    html = admin_client.get(change_url(live_renewal)).content.decode()
    assert '<svg xmlns="http://www.w3.org/2000/svg" class="procedure-diagram"' in html
    assert "领证方式为 邮寄到家（邮费自付）" in html
    assert "条件（文字）" in html
    svg = admin_client.get(reverse("admin:procedures_procedure_diagram", args=[live_renewal.pk]))
    assert svg["Content-Type"].startswith("image/svg+xml")


def test_publish_page_lists_each_error_with_its_id_and_a_link_to_the_row(admin_client, draft):
    produce = State.objects.get(procedure=draft, code="produce")
    Transition.objects.filter(source_state=produce).delete()
    url = reverse("admin:procedures_procedure_publish", args=[draft.pk])

    page = admin_client.get(url).content.decode()
    index = list(State.objects.filter(procedure=draft).values_list("pk", flat=True)).index(produce.pk)
    assert "<code>procedures.E003</code>" in page
    assert f'href="{change_url(draft)}#state_set-{index}"' in page
    assert 'id="publish-button"' not in page

    response = admin_client.post(url, {"effective_from": timezone.localdate().isoformat()})
    assert "<code>procedures.E003</code>" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == Procedure.Status.DRAFT


def test_publish_page_publishes_on_a_future_date_with_a_diff(admin_client, admin_user, draft, live_renewal):
    Fee.objects.filter(procedure=draft, code="renewal").update(amount_yuan=25)
    url = reverse("admin:procedures_procedure_publish", args=[draft.pk])
    page = admin_client.get(url).content.decode()
    assert "与现行版本相比" in page and "<ins>25</ins>" in page
    start = timezone.localdate() + datetime.timedelta(days=30)

    response = admin_client.post(url, {"effective_from": start.isoformat()})

    assert response.status_code == 302
    draft.refresh_from_db()
    assert (draft.status, draft.effective_from, draft.published_by) == (
        Procedure.Status.PUBLISHED, start, admin_user)
    assert selectors.live_version("cross-region-renewal") == live_renewal


def test_publish_refuses_a_past_date(admin_client, draft):
    url = reverse("admin:procedures_procedure_publish", args=[draft.pk])
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    response = admin_client.post(url, {"effective_from": yesterday.isoformat()})
    assert response.status_code == 200 and "生效日期不能早于今天" in response.content.decode()
    draft.refresh_from_db()
    assert draft.is_draft


def test_publishing_needs_the_change_permission(client, draft):
    viewer = User.objects.create_user("viewer", password="x", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_procedure"))
    client.force_login(viewer)
    assert client.post(reverse("admin:procedures_procedure_publish", args=[draft.pk])).status_code == 403
    assert client.get(reverse("admin:procedures_procedure_start_preview", args=[draft.pk])).status_code == 403
    assert client.get(PREVIEW).status_code == 403


def preview_to_the_end(admin_client, draft):
    """Start a preview of ``draft``, answer every question and press the summary's button."""
    response = admin_client.get(reverse("admin:procedures_procedure_start_preview", args=[draft.pk]))
    assert response.status_code == 302 and response.url.startswith(PREVIEW)
    applicant = Applicant(admin_client, base=PREVIEW)
    for step, value in expiring_to_shenzhen():
        assert applicant.answer(step, value).status_code == 302, step
    return applicant.post("summary")


def test_preview_runs_the_wizard_against_the_draft_without_saving_a_plan(admin_client, draft):
    Fee.objects.filter(procedure=draft, code="renewal").update(amount_yuan=25)
    response = preview_to_the_end(admin_client, draft)

    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="preview-banner"' in html and "25 元" in html
    assert f"cross-region-renewal v{draft.version}" in html
    assert Plan.objects.count() == 0
    # Applicants still get the live version.
    _plan, data = compute_plan(applicant_answers(), today=timezone.localdate())
    assert data["fee_yuan"] == 20


def break_dead_end(draft):
    Transition.objects.filter(source_state__procedure=draft, source_state__code="produce").delete()


def break_two_initial(draft):
    State.objects.filter(procedure=draft, code="apply").update(is_initial=True)


def break_loop(draft):
    produce = State.objects.get(procedure=draft, code="produce")
    Transition.objects.create(procedure=draft, source_state=produce, label="loop", priority=1,
                              target_state=State.objects.get(procedure=draft, code="apply"))


@pytest.mark.parametrize(("breaker", "words"), [
    pytest.param(break_dead_end, "在环节 produce 处没有可走的流转", id="dead-end"),
    pytest.param(break_two_initial, "没有唯一的起始环节", id="two-initial"),
    pytest.param(break_loop, "在环节 apply 处形成循环", id="loop"),
])
def test_preview_of_a_broken_draft_names_the_problem_and_links_to_the_checks(admin_client, draft, breaker, words):
    breaker(draft)
    response = preview_to_the_end(admin_client, draft)

    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="preview-error"' in html and words in html
    assert reverse("admin:procedures_procedure_publish", args=[draft.pk]) in html
    assert Plan.objects.count() == 0
    # The answers are kept: the summary is still there to change them and preview again.
    assert admin_client.get(f"{PREVIEW}summary/").status_code == 200


def applicant_answers():
    today = timezone.localdate()
    raw = {"reason": "expiring", "birth_date": "1980-05-06", "hukou_region": "410100",
           "residence_region": "440300", "card_expiry_date": (today + datetime.timedelta(days=40)).isoformat(),
           "documents": ["old_card"], "has_photo_receipt": True, "delivery": "mail", "hardship": False}
    answers, problems = questions.clean_answers(raw, today=today, regions=RegionLookup(today))
    assert problems == []
    return answers


def test_diff_and_publish_pages_show_labels_not_raw_values(admin_client, draft):
    Fee.objects.filter(procedure=draft, code="renewal").update(confidence="unknown", is_waiver=True)
    Transition.objects.filter(pk=Transition.objects.filter(procedure=draft, kind="planned").first().pk).update(
        kind="exception")

    for url in (reverse("admin:procedures_procedure_publish", args=[draft.pk]),
                reverse("admin:procedures_procedure_diff", args=[selectors.live_version(draft.slug).pk, draft.pk])):
        html = admin_client.get(url).content.decode()
        assert "<td>可信度</td>" in html and "<ins>未确认</ins>" in html, url
        assert "<td>减免</td>" in html and "<del>否</del>" in html and "<ins>是</ins>" in html, url
        assert "<ins>例外（退回、撤回等，仅由工作人员操作）</ins>" in html, url
        for raw in (">unknown<", ">exception<", ">planned<", ">True<", ">False<"):
            assert raw not in html, (url, raw)


def test_version_history_and_diff_pages(admin_client, admin_user, draft, live_renewal):
    Fee.objects.filter(procedure=draft, code="renewal").update(amount_yuan=25)
    services.procedure_publish(procedure=draft, user=admin_user)

    page = admin_client.get(reverse("admin:procedures_procedure_versions", args=["cross-region-renewal"]))
    html = page.content.decode()
    assert page.status_code == 200
    assert "现行" in html and "已停用" in html and admin_user.username in html and "系统（初始数据）" in html
    assert "恢复为新草稿" in html

    diff = admin_client.get(reverse("admin:procedures_procedure_diff", args=[0, 0]),
                            {"old": live_renewal.pk, "new": draft.pk}, follow=True)
    html = diff.content.decode()
    assert "收费" in html and "<del>20</del>" in html and "<ins>25</ins>" in html
    assert "<h2>收费" in html and "<h3>" not in html  # no heading level skipped after the h1

    restore = admin_client.post(reverse("admin:procedures_procedure_new_draft", args=[live_renewal.pk]))
    restored = Procedure.objects.get(slug="cross-region-renewal", status=Procedure.Status.DRAFT)
    assert restore.url == change_url(restored)
    assert restored.fee_set.get(code="renewal").amount_yuan == 20


def test_restoring_a_version_that_no_longer_validates_lists_the_problems(admin_client, live_renewal):
    # Saved around the validators, as an old version can be after a fact was removed.
    Fee.objects.filter(procedure=live_renewal, code="renewal").update(
        condition={"fact": "no_such_fact", "op": "eq", "value": True})

    response = admin_client.post(reverse("admin:procedures_procedure_new_draft", args=[live_renewal.pk]),
                                 follow=True)

    html = response.content.decode()
    assert response.status_code == 200
    assert "没有新建草稿" in html and "procedures.E005" in html and "no_such_fact" in html
    assert not Procedure.objects.filter(slug=live_renewal.slug, status=Procedure.Status.DRAFT).exists()
    assert Procedure.objects.filter(slug=live_renewal.slug).count() == 1


def test_a_version_that_no_longer_compiles_shows_its_checks_and_no_diagram(admin_client, live_renewal):
    Fee.objects.filter(procedure=live_renewal, code="renewal").update(
        condition={"fact": "no_such_fact", "op": "eq", "value": True})

    page = admin_client.get(reverse("admin:procedures_procedure_change", args=[live_renewal.pk]))
    diagram = admin_client.get(reverse("admin:procedures_procedure_diagram", args=[live_renewal.pk]))

    assert page.status_code == 200
    html = page.content.decode()
    assert "procedures.E005" in html and 'id="procedure-diagram"' not in html
    assert diagram.status_code == 404


@pytest.mark.parametrize(("query", "words"), [
    pytest.param({"old": "-1", "new": "{new}"}, "找不到要比较的版本 -1", id="negative"),
    pytest.param({"old": "abc", "new": "{new}"}, "找不到要比较的版本 abc", id="not-a-number"),
    pytest.param({"old": "99999999999999999999", "new": "{new}"}, "找不到要比较的版本", id="too-big"),
    pytest.param({"old": "{new}"}, "请选择要比较的两个版本", id="missing-new"),
    pytest.param({"old": "", "new": ""}, "请选择要比较的两个版本", id="empty"),
    pytest.param({"old": "{other}", "new": "{new}"}, "只能比较同一流程的两个版本", id="another-procedure"),
])
def test_a_bad_diff_query_goes_back_to_the_history_with_a_message(admin_client, draft, query, words):
    other = selectors.live_version("local-renewal")
    params = {key: value.format(new=draft.pk, other=other.pk) for key, value in query.items()}

    response = admin_client.get(reverse("admin:procedures_procedure_diff", args=[0, 0]), params, follow=True)

    assert response.status_code == 200
    assert words in response.content.decode()
    assert response.redirect_chain[-1][0] in {
        reverse("admin:procedures_procedure_versions", args=[draft.slug]),
        reverse("admin:procedures_procedure_changelist")}


def test_a_diff_url_between_two_procedures_goes_back_with_a_message(admin_client, draft):
    other = selectors.live_version("local-renewal")
    response = admin_client.get(reverse("admin:procedures_procedure_diff", args=[other.pk, draft.pk]), follow=True)
    assert response.status_code == 200 and "只能比较同一流程的两个版本" in response.content.decode()


def test_stale_list_shows_records_not_checked_for_a_year(admin_client, live_renewal):
    old = timezone.localdate() - datetime.timedelta(days=400)
    Fee.objects.filter(procedure=live_renewal, code="renewal").update(last_checked=old)
    Region.objects.filter(code="440300").update(last_checked=old)
    Fee.objects.filter(procedure__status=Procedure.Status.DRAFT).update(last_checked=old)

    html = admin_client.get(reverse("admin:procedures_procedure_stale")).content.decode()

    assert "超过 12 个月未核对的内容" in html
    assert old.isoformat() in html
    renewal_fee = Fee.objects.get(procedure=live_renewal, code="renewal")
    assert str(renewal_fee) in html and "深圳市" in html


def test_export_and_import_in_the_admin(admin_client, live_renewal):
    exported = admin_client.get(reverse("admin:procedures_procedure_export"))
    assert exported["Content-Disposition"].startswith("attachment;")
    document = json.loads(exported.content)
    url = reverse("admin:procedures_procedure_import")

    same = admin_client.post(url, {"file": SimpleUploadedFile("p.json", exported.content)}, follow=True)
    assert "没有改动" in same.content.decode()

    entry = next(p for p in document["procedures"] if p["slug"] == "cross-region-renewal")
    entry["transitions"] = [t for t in entry["transitions"] if t["source_state"] != "produce"]
    body = json.dumps(document, ensure_ascii=False).encode()
    refused = admin_client.post(url, {"file": SimpleUploadedFile("p.json", body)})
    assert refused.status_code == 200 and "<code>procedures.E003</code>" in refused.content.decode()
    assert Procedure.objects.filter(slug="cross-region-renewal").count() == 1

    entry = next(p for p in json.loads(exported.content)["procedures"] if p["slug"] == "cross-region-renewal")
    entry["name"] = "异地换领（新）"
    body = json.dumps({**document, "procedures": [entry]}, ensure_ascii=False).encode()
    imported = admin_client.post(url, {"file": SimpleUploadedFile("p.json", body)}, follow=True)
    assert "已导入为草稿" in imported.content.decode()
    draft = services.open_draft("cross-region-renewal")
    assert draft.name == "异地换领（新）"
    assert selectors.live_version("cross-region-renewal").name != "异地换领（新）"  # not published by the import


@pytest.mark.parametrize("how", [*HOSTILE, "deeply-nested", "huge-integer", "not-utf-8"])
def test_a_hostile_import_shows_the_problems_and_changes_nothing(admin_client, live_renewal, how):
    exported = admin_client.get(reverse("admin:procedures_procedure_export")).content
    if how == "deeply-nested":
        body = b"[" * 100_000
    elif how == "huge-integer":
        body = b'{"format_version": ' + b"9" * 5000 + b"}"
    elif how == "not-utf-8":
        body = "异地".encode("gbk")
    else:
        body = json.dumps(hostile(json.loads(exported), how)).encode()
    before = snapshot()

    response = admin_client.post(reverse("admin:procedures_procedure_import"),
                                 {"file": SimpleUploadedFile("p.json", body)})

    html = response.content.decode()
    assert response.status_code == 200
    assert "没有导入任何内容" in html
    assert re.search(r"<code>procedures\.E10[01]</code>", html)
    assert snapshot() == before


def test_add_form_refuses_an_existing_slug(admin_client, live_renewal):
    response = admin_client.post(reverse("admin:procedures_procedure_add"), {
        "name": "重复", "slug": live_renewal.slug, "kind": "main", "outcome": "apply_here", "priority": 1,
        "confidence": "unknown"})
    assert response.status_code == 200
    assert "已有版本" in response.content.decode()


def test_the_largest_draft_saves_unchanged(admin_client):
    # A draft's page posts every part as an inline, and a browser also sends each inline's empty
    # template row (``__prefix__``): more than Django's default cap of 1,000 fields.
    from .test_admin import change_form_data

    draft = services.draft_create(source=selectors.live_version("cross-region-renewal"))
    data = change_form_data(admin_client, change_url(draft))
    html = admin_client.get(change_url(draft)).content.decode()
    template_rows = re.findall(r'<(?:input|select|textarea)\b[^>]*\bname="([^"]*__prefix__[^"]*)"', html)
    data.update(dict.fromkeys(template_rows, ""))
    assert len(data) > 1000
    response = admin_client.post(change_url(draft), data)
    assert response.status_code == 302, response.content[:500]
    assert response.url == change_url(draft)
