"""Every change is a draft first (issue 12): importing makes drafts, and version numbers are never reused."""
import datetime
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from procedures import exchange, imports, selectors, services
from procedures.models import Fee, Procedure, VersionCounter
from procedures.parts import PARTS

IMPORT = "admin:procedures_procedure_import"


def document_of(*procedures):
    return json.loads(exchange.dumps(exchange.document(procedures)))


def renewal_document(*, fee=None, name=None, effective_from=None):
    """Return the live cross-region renewal as a one-procedure document, with the changes asked for."""
    document = document_of(selectors.live_version("cross-region-renewal"))
    item = document["procedures"][0]
    if fee is not None:
        next(f for f in item["fees"] if f["code"] == "renewal")["amount_yuan"] = fee
    if name is not None:
        item["name"] = name
    if effective_from is not None:
        item["effective_from"] = effective_from
    return document


def counter(slug):
    return VersionCounter.objects.get(slug=slug).last_version


# --- version numbers ----------------------------------------------------------------------------

@pytest.mark.django_db
def test_every_seeded_slug_counts_from_its_highest_version():
    tops = {}
    for slug, version in Procedure.objects.values_list("slug", "version"):
        tops[slug] = max(version, tops.get(slug, 0))
    assert dict(VersionCounter.objects.values_list("slug", "last_version")) == tops


@pytest.mark.django_db
def test_a_deleted_drafts_number_is_not_used_again():
    live = selectors.live_version("cross-region-renewal")
    first = services.draft_create(source=live)
    services.draft_delete(procedure=first)
    second = services.draft_create(source=live)
    assert second.version == first.version + 1
    second.delete()  # the admin's own delete page goes around the service
    assert services.draft_create(source=live).version == first.version + 2


def add_form_data(slug):
    """Return what the admin's add page posts for a new procedure with no parts."""
    data = {"name": "新流程", "slug": slug, "kind": "main", "outcome": "apply_here", "priority": "1",
            "summary": "", "applies_when": "", "source": "", "confidence": "unknown", "last_checked": ""}
    for part in PARTS:
        prefix = part.model._meta.model_name + "_set"
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
    return data


def test_a_new_slug_starts_at_one_and_its_deleted_first_draft_is_not_reused(admin_client, db):
    add = reverse("admin:procedures_procedure_add")
    assert admin_client.post(add, add_form_data("brand_new")).status_code == 302
    first = Procedure.objects.get(slug="brand_new")
    assert first.version == 1
    first.delete()
    assert admin_client.post(add, add_form_data("brand_new")).status_code == 302
    assert Procedure.objects.get(slug="brand_new").version == 2


def test_the_counter_refuses_zero(db):
    from django.db import IntegrityError

    with pytest.raises(IntegrityError), transaction.atomic():
        VersionCounter.objects.create(slug="zero", last_version=0)


# --- importing makes drafts ----------------------------------------------------------------------

@pytest.mark.django_db
def test_an_import_makes_a_draft_that_publishes_as_any_other():
    live = selectors.live_version("cross-region-renewal")
    next_month = timezone.localdate() + datetime.timedelta(days=31)

    (draft,) = imports.procedures_import(document=renewal_document(fee=25, effective_from=next_month.isoformat()))

    assert draft.is_draft and draft.effective_from == next_month
    assert draft.version == live.version + 1 == counter("cross-region-renewal")
    assert selectors.live_version("cross-region-renewal", next_month) == live  # nothing published yet
    services.procedure_publish(procedure=draft, effective_from=next_month)
    assert selectors.live_version("cross-region-renewal", next_month) == draft
    assert Fee.objects.get(procedure=draft, code="renewal").amount_yuan == 25


@pytest.mark.django_db
def test_an_identical_import_changes_nothing_and_uses_no_version_number():
    live = selectors.live_version("cross-region-renewal")
    before = counter("cross-region-renewal")
    document = renewal_document()
    # A field left out takes its default: the same content once stored, so still no change.
    fee = document["procedures"][0]["fees"][0]
    blank = next(name for name, value in fee.items() if value in ("", None, {}))
    del fee[blank]
    assert imports.procedures_import(document=document) == []
    assert counter("cross-region-renewal") == before
    assert list(Procedure.objects.filter(slug="cross-region-renewal").values_list("pk", flat=True)) == [live.pk]


@pytest.mark.django_db
def test_two_changed_versions_of_one_slug_are_refused_together():
    document = renewal_document(fee=25)
    later = renewal_document(fee=30, effective_from="2099-01-01")["procedures"][0]
    document["procedures"].append(later)
    with pytest.raises(imports.ImportRefused) as refusal:
        imports.procedures_import(document=document)
    assert [p.id for p in refusal.value.problems] == ["procedures.E100"]
    assert "不止一个版本" in refusal.value.problems[0].msg
    assert services.open_draft("cross-region-renewal") is None


def test_the_admin_import_says_draft_and_lists_the_drafts(admin_client, db):
    body = json.dumps(renewal_document(name="异地换领（导入）"), ensure_ascii=False).encode()
    response = admin_client.post(reverse(IMPORT), {"file": SimpleUploadedFile("p.json", body)})
    assert response.status_code == 302
    assert response.url == reverse("admin:procedures_procedure_changelist") + "?status__exact=draft"
    page = admin_client.get(response.url).content.decode()
    assert "已导入为草稿" in page and "请逐个预览，确认后发布" in page
    draft = services.open_draft("cross-region-renewal")
    assert draft.name == "异地换领（导入）"
    form = admin_client.get(reverse(IMPORT)).content.decode()
    assert "有变化的流程成为草稿" in form and "按文件中的生效日期发布" not in form


def test_the_publish_page_proposes_the_imported_date(admin_client, db):
    next_month = timezone.localdate() + datetime.timedelta(days=31)
    (draft,) = imports.procedures_import(document=renewal_document(fee=25, effective_from=next_month.isoformat()))
    page = admin_client.get(reverse("admin:procedures_procedure_publish", args=[draft.pk])).content.decode()
    assert f'value="{next_month.isoformat()}"' in page
    # A date already past is not offered: today is.
    draft.effective_from = datetime.date(2004, 1, 1)
    draft.save()
    page = admin_client.get(reverse("admin:procedures_procedure_publish", args=[draft.pk])).content.decode()
    assert f'value="{timezone.localdate().isoformat()}"' in page


def test_a_refused_import_links_to_no_row(admin_client, db):
    document = renewal_document(name="改过")
    item = document["procedures"][0]
    item["transitions"] = [t for t in item["transitions"] if t["source_state"] != "produce"]
    response = admin_client.post(reverse(IMPORT), {
        "file": SimpleUploadedFile("p.json", json.dumps(document, ensure_ascii=False).encode())})
    html = response.content.decode()
    assert response.status_code == 200 and "<code>procedures.E003</code>" in html
    assert "查看这一条" not in html
    assert services.open_draft("cross-region-renewal") is None


# --- preview as of a date ------------------------------------------------------------------------

def start_preview(client, procedure, on=None):
    url = reverse("admin:procedures_procedure_start_preview", args=[procedure.pk])
    return client.get(url, {"on": on} if on is not None else {})


def preview_plan(client, procedure, on=None):
    """Start a preview (as of ``on``), answer every question and return the plan page's HTML."""
    from .test_admin_versions import PREVIEW
    from .test_wizard import Applicant, expiring_to_shenzhen

    response = start_preview(client, procedure, on)
    assert response.status_code == 302 and response.url.startswith(PREVIEW), response.url
    applicant = Applicant(client, base=PREVIEW)
    for step, value in expiring_to_shenzhen():
        assert applicant.answer(step, value).status_code == 302, step
    response = applicant.post("summary")
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def fee_next_month(db):
    """A draft whose renewal fee becomes 25 yuan in 31 days (20 until then); return (draft, that day)."""
    day = timezone.localdate() + datetime.timedelta(days=31)
    draft = services.draft_create(source=selectors.live_version("cross-region-renewal"))
    renewal = Fee.objects.get(procedure=draft, code="renewal")
    Fee.objects.create(procedure=draft, code="renewal_raised", label=renewal.label, amount_yuan=25,
                       valid_from=day, priority=renewal.priority - 1, condition=renewal.condition)
    return draft, day


def test_a_preview_as_of_next_month_shows_the_fee_of_next_month(admin_client, fee_next_month):
    draft, day = fee_next_month

    today = preview_plan(admin_client, draft)
    later = preview_plan(admin_client, draft, on=day.isoformat())

    assert '<strong id="preview-fee">20 元</strong>' in today and 'id="preview-day"' not in today
    assert '<strong id="preview-fee">25 元</strong>' in later
    assert f"按 {day.isoformat()} 这一天预览" in later
    assert Procedure.objects.get(pk=draft.pk).is_draft


def test_a_published_version_is_previewed_as_of_a_date_too(admin_client, db):
    live = selectors.live_version("cross-region-renewal")
    day = timezone.localdate() + datetime.timedelta(days=10)
    html = preview_plan(admin_client, live, on=day.isoformat())
    assert f"按 {live} 计算" in html and "按草稿" not in html
    assert f"按 {day.isoformat()} 这一天预览" in html


@pytest.mark.parametrize(("typed", "words"), [
    pytest.param("2027-13-01", "日期应写成 YYYY-MM-DD", id="no-such-month"),
    pytest.param("明天", "日期应写成 YYYY-MM-DD", id="words"),
    pytest.param("99999-01-01", "日期应写成 YYYY-MM-DD", id="five-digit-year"),
    pytest.param("2027/01/01", "日期应写成 YYYY-MM-DD", id="slashes"),
    pytest.param("1999-01-01", "预览日期须在", id="too-early"),
    pytest.param("2099-01-01", "预览日期须在", id="too-late"),
])
def test_a_bad_preview_date_is_refused_with_a_message(admin_client, db, typed, words):
    live = selectors.live_version("cross-region-renewal")
    response = start_preview(admin_client, live, typed)
    assert response.status_code == 302
    assert response.url == reverse("admin:procedures_procedure_change", args=[live.pk])
    page = admin_client.get(response.url).content.decode()
    assert "没有开始预览" in page and words in page
    assert "procedures_preview_draft" not in admin_client.session


def test_version_pages_offer_a_dated_preview(admin_client, fee_next_month):
    draft, day = fee_next_month
    change = admin_client.get(reverse("admin:procedures_procedure_change", args=[draft.pk])).content.decode()
    assert 'id="preview-day-form"' in change and '<label for="preview-day">按这一天预览</label>' in change
    assert 'form="preview-day-form"' in change
    publish = reverse("admin:procedures_procedure_publish", args=[draft.pk])
    page = admin_client.post(publish, {"effective_from": "not a date"}).content.decode()
    assert 'id="preview-on-effective-date"' not in page  # no date chosen: no dated preview offered
    draft.effective_from = day
    draft.save()
    page = admin_client.get(publish).content.decode()
    assert f'?on={day.isoformat()}" id="preview-on-effective-date">按生效日期 {day.isoformat()} 预览' in page
