"""Versions: drafts, publishing refused on every check id, immutability, future dates, plans keep
their version, diff and restore, conditions in words and the state diagram."""
import datetime
import re
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse

from procedures import exchange, questions, selectors, services
from procedures.describe import describe_condition
from procedures.diagram import render_svg
from procedures.diff import diff_versions
from procedures.models import Fee, Notice, Procedure, Requirement, State, Transition
from wizard.services import RegionLookup, compute_plan, plan_create

from .test_validation import BREAKERS, clean_procedure  # noqa: F401  (the fixture is used by name)

TODAY = datetime.date(2026, 11, 25)
RENEWAL_SHENZHEN = {
    "reason": "expiring", "birth_date": "1990-03-04", "hukou_region": "410102", "residence_region": "440305",
    "card_expiry_date": "2026-12-20", "documents": ["old_card"], "has_photo_receipt": False,
    "delivery": "mail", "hardship": False, "needed_by": "2026-12-10",
}
ERROR_BREAKERS = [param for param in BREAKERS if param.values[1].startswith("E")]


def answers_for(raw, today=TODAY):
    answers, problems = questions.clean_answers(raw, today=today, regions=RegionLookup(today))
    assert problems == []
    return answers


def live(slug, on=TODAY):
    return selectors.live_version(slug, on)


def draft_with_fee(slug, amount, *, user=None):
    """Copy the live version of ``slug`` into a draft whose renewal fee is ``amount``."""
    draft = services.draft_create(source=live(slug), user=user)
    Fee.objects.filter(procedure=draft, code="renewal").update(amount_yuan=amount)
    return draft


# --- publishing ---------------------------------------------------------------------------

@pytest.mark.parametrize(("breaker", "check_id"), ERROR_BREAKERS)
def test_publish_is_refused_on_each_error_id(clean_procedure, breaker, check_id):  # noqa: F811
    Procedure.objects.filter(pk=clean_procedure.pk).update(status=Procedure.Status.DRAFT, effective_from=None)
    clean_procedure.refresh_from_db()
    breaker(clean_procedure)

    with pytest.raises(services.PublishRefused) as refusal:
        services.procedure_publish(procedure=clean_procedure, today=TODAY)

    assert f"procedures.{check_id}" in {problem.id for problem in refusal.value.problems}
    clean_procedure.refresh_from_db()
    assert clean_procedure.status == Procedure.Status.DRAFT


def test_every_error_id_is_covered_by_a_publish_test():
    from procedures.validation import CHECK_IDS

    assert {param.values[1] for param in ERROR_BREAKERS} == {key for key in CHECK_IDS if key.startswith("E")}


def test_publish_with_warnings_succeeds_and_returns_them(clean_procedure):  # noqa: F811
    Procedure.objects.filter(pk=clean_procedure.pk).update(status=Procedure.Status.DRAFT, effective_from=None)
    clean_procedure.refresh_from_db()
    clean_procedure.timelimit_set.all().delete()

    warnings = services.procedure_publish(procedure=clean_procedure, today=TODAY)

    assert {w.id for w in warnings} == {"procedures.W004"}
    clean_procedure.refresh_from_db()
    assert clean_procedure.status == Procedure.Status.PUBLISHED
    assert clean_procedure.effective_from == TODAY


@pytest.mark.django_db
def test_publish_records_who_and_when_and_retires_the_old_version(admin_user):
    old = live("cross-region-renewal")
    draft = draft_with_fee("cross-region-renewal", 25, user=admin_user)
    assert draft.version == old.version + 1 and draft.based_on == old and draft.created_by == admin_user

    services.procedure_publish(procedure=draft, user=admin_user, today=TODAY)

    draft.refresh_from_db()
    old.refresh_from_db()
    assert draft.published_by == admin_user and draft.published_at is not None
    assert live("cross-region-renewal") == draft
    assert old.status == Procedure.Status.RETIRED


@pytest.mark.django_db
def test_published_versions_cannot_change():
    published = live("cross-region-renewal")
    with pytest.raises(services.ProcedureLocked):
        services.ensure_draft(published)
    with pytest.raises(services.ProcedureLocked):
        services.procedure_publish(procedure=published, today=TODAY)
    with pytest.raises(services.ProcedureLocked):
        services.draft_delete(procedure=published)


@pytest.mark.django_db
def test_only_one_draft_per_procedure():
    services.draft_create(source=live("local-renewal"))
    with pytest.raises(services.ProcedureLocked):
        services.draft_create(source=live("local-renewal"))


@pytest.mark.django_db
def test_publish_refuses_a_past_effective_date():
    draft = draft_with_fee("local-renewal", 25)
    with pytest.raises(services.PublishRefused) as refusal:
        services.procedure_publish(procedure=draft, today=TODAY, effective_from=TODAY - datetime.timedelta(days=1))
    assert [p.id for p in refusal.value.problems] == ["procedures.E102"]


# --- the deep copy ------------------------------------------------------------------------

@pytest.mark.django_db
def test_a_new_draft_copies_every_part_and_keeps_transitions_on_its_own_states():
    source = live("cross-region-renewal")
    draft = services.draft_create(source=source)

    def content(data):
        return {k: v for k, v in data.items() if k != "effective_from"}

    assert content(exchange.version_data(draft)) == content(exchange.version_data(source))
    own_states = set(State.objects.filter(procedure=draft).values_list("pk", flat=True))
    for transition in Transition.objects.filter(procedure=draft):
        assert {transition.source_state_id, transition.target_state_id} <= own_states
    called = State.objects.filter(procedure=draft, subprocedure__isnull=False).select_related("subprocedure")
    assert {s.subprocedure.slug for s in called} == {"photo-receipt"}
    # The copy compiles to the same engine objects, version and key apart.
    a, b = selectors.compiled(source), selectors.compiled(draft)

    def moves(compiled):
        return [(t.source, t.target, t.label, t.condition, t.priority, t.kind)
                for state in compiled.states for t in compiled.outgoing.get(state.code, ())]

    assert a.states == b.states and moves(a) == moves(b)
    assert [(f.code, f.amount, f.condition) for f in a.fees] == [(f.code, f.amount, f.condition) for f in b.fees]


# --- plans keep their version ---------------------------------------------------------------

@pytest.mark.django_db
def test_a_plan_made_before_a_publish_still_shows_its_own_version(client):
    before = plan_create(answers=answers_for(RENEWAL_SHENZHEN), today=TODAY)
    old_version = before.procedure
    assert before.result["fee_yuan"] == 20

    draft = draft_with_fee(before.procedure_slug, 25)
    services.procedure_publish(procedure=draft, today=TODAY)
    after = plan_create(answers=answers_for(RENEWAL_SHENZHEN), today=TODAY)

    before.refresh_from_db()
    assert before.procedure == old_version and before.procedure_version == old_version.version
    assert after.procedure == draft and after.result["fee_yuan"] == 25
    page = client.get(reverse("wizard:plan", kwargs={"code": before.code})).content.decode()
    assert "20 元" in page and "25 元" not in page
    page = client.get(reverse("wizard:plan", kwargs={"code": after.code})).content.decode()
    assert "25 元" in page


# --- future dates ---------------------------------------------------------------------------

@pytest.mark.django_db
def test_a_future_dated_version_takes_effect_on_its_date():
    start = TODAY + datetime.timedelta(days=37)
    current = live("cross-region-renewal")
    draft = draft_with_fee("cross-region-renewal", 30)
    services.procedure_publish(procedure=draft, effective_from=start, today=TODAY)

    assert live("cross-region-renewal", TODAY) == current
    assert live("cross-region-renewal", start - datetime.timedelta(days=1)) == current
    assert live("cross-region-renewal", start) == draft
    assert selectors.version_status(draft, TODAY) == "scheduled"
    assert selectors.version_status(draft, start) == "live"
    current.refresh_from_db()
    assert current.status == Procedure.Status.PUBLISHED  # still in effect until then

    raw = {k: v for k, v in RENEWAL_SHENZHEN.items() if k != "needed_by"} | {"card_expiry_date": "2027-02-20"}
    _plan, today_data = compute_plan(answers_for(raw), today=TODAY)
    _plan, later_data = compute_plan(answers_for(raw, start), today=start)
    assert (today_data["procedure_version"], today_data["fee_yuan"]) == (current.version, 20)
    assert (later_data["procedure_version"], later_data["fee_yuan"]) == (draft.version, 30)


@pytest.mark.django_db
def test_publishing_again_replaces_a_version_not_yet_in_effect():
    later = draft_with_fee("local-renewal", 30)
    services.procedure_publish(procedure=later, effective_from=TODAY + datetime.timedelta(days=60), today=TODAY)
    sooner = services.draft_create(source=later)
    services.procedure_publish(procedure=sooner, effective_from=TODAY + datetime.timedelta(days=10), today=TODAY)
    later.refresh_from_db()
    assert later.status == Procedure.Status.RETIRED
    assert live("local-renewal", TODAY + datetime.timedelta(days=90)) == sooner


# --- diff and restore -----------------------------------------------------------------------

@pytest.mark.django_db
def test_diff_names_changed_added_and_removed_rows_in_words():
    old = live("cross-region-renewal")
    new = draft_with_fee("cross-region-renewal", 25)
    Requirement.objects.create(procedure=new, code="pledge", name="书面承诺", order=99)
    Notice.objects.filter(procedure=new).order_by("order").first().delete()
    Transition.objects.filter(procedure=new, label="选择邮寄").update(
        condition={"all": [{"fact": "delivery", "op": "eq", "value": "mail"},
                           {"fact": "cross_region", "op": "eq", "value": True}]})
    State.objects.filter(procedure=new, code="signoff").update(duration_max=7)

    sections = {section.name: section for section in diff_versions(old, new)}

    fee = next(row for row in sections["fees"].rows if row.key == "renewal")
    assert fee.kind == "changed" and [(c.field, c.old, c.new) for c in fee.changes] == [("amount_yuan", "20", "25")]
    assert [row.key for row in sections["requirements"].rows if row.kind == "added"] == ["pledge"]
    assert [row.kind for row in sections["notices"].rows] == ["removed"]
    (transition,) = sections["transitions"].rows
    assert transition.changes[0].new == "领证方式为 邮寄到家（邮费自付） 且 居住地与户籍地不同"
    (state,) = sections["states"].rows
    assert (state.key, state.changes[0].old, state.changes[0].new) == ("signoff", "5", "7")
    assert diff_versions(old, old) == []


@pytest.mark.django_db
def test_restore_makes_a_new_draft_with_the_old_content():
    first = live("local-renewal")
    second = draft_with_fee("local-renewal", 25)
    services.procedure_publish(procedure=second, today=TODAY)

    restored = services.draft_restore(source=first)

    assert restored.is_draft and restored.version == second.version + 1 and restored.based_on == first
    assert diff_versions(first, restored) == []
    assert [s.name for s in diff_versions(second, restored)] == ["fees"]
    services.procedure_publish(procedure=restored, today=TODAY + datetime.timedelta(days=1),
                               effective_from=TODAY + datetime.timedelta(days=1))
    assert live("local-renewal", TODAY + datetime.timedelta(days=1)) == restored
    first.refresh_from_db()
    assert first.status == Procedure.Status.RETIRED  # history is kept, not rewritten


# --- conditions in words, the diagram --------------------------------------------------------

@pytest.mark.parametrize(("condition", "words"), [
    pytest.param({}, "总是适用", id="always"),
    pytest.param({"all": [{"fact": "cross_region", "op": "eq", "value": True},
                          {"fact": "reason", "op": "eq", "value": "lost"}]},
                 "居住地与户籍地不同 且 申请原因为 证件丢了", id="issue-example"),
    pytest.param({"any": [{"fact": "documents", "op": "in", "value": ["hukou_book", "residence_permit"]},
                          {"not": {"fact": "age", "op": "gte", "value": 16}}]},
                 "手头的证件包含 户口簿、居住证 之一 或 并非（年龄（周岁）不少于 16）", id="any-not-list"),
    pytest.param({"fact": "has_photo_receipt", "op": "eq", "value": False}, "并非已有照片回执", id="bool-false"),
    pytest.param({"fact": "hukou.province", "op": "in", "value": ["310000"]},
                 "户籍地所在省级行政区代码为 310000（上海市） 之一", id="region-code"),
    pytest.param({"fact": "today", "op": "lt", "value": "2024-05-27"}, "今天早于 2024-05-27", id="date"),
    pytest.param({"fact": "shoe_size", "op": "eq", "value": 42}, '（条件有误）{"fact": "shoe_size", "op": "eq", '
                 '"value": 42}', id="invalid"),
])
def test_conditions_are_described_in_chinese(condition, words):
    assert describe_condition(condition) == words


@pytest.mark.django_db
def test_diagram_is_an_svg_with_every_state_and_transition_condition():
    procedure = selectors.compiled(live("cross-region-renewal"))
    svg = render_svg(procedure)
    root = ET.fromstring(svg)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    codes = {g.get("data-code") for g in root.iter("{http://www.w3.org/2000/svg}g") if g.get("data-code")}
    assert codes == {state.code for state in procedure.states}
    texts = " ".join(t.text or "" for t in root.iter("{http://www.w3.org/2000/svg}text"))
    assert "领证方式为 邮寄到家" in texts
    assert "http" not in re.sub(r'xmlns="[^"]+"', "", svg)  # nothing fetched from elsewhere
    width, height = (float(v) for v in root.get("viewBox").split()[2:])
    assert width > 100 and height > 100


@pytest.mark.django_db
def test_diff_shows_field_names_choice_labels_and_yes_or_no_not_raw_values():
    old = live("cross-region-renewal")
    new = draft_with_fee("cross-region-renewal", 20)
    fee = Fee.objects.get(procedure=new, code="renewal")
    assert (fee.confidence, fee.is_waiver) != ("unknown", True)
    Fee.objects.filter(pk=fee.pk).update(confidence="unknown", is_waiver=True)
    transition = Transition.objects.filter(procedure=new, kind="planned").first()
    Transition.objects.filter(pk=transition.pk).update(kind="exception")
    Requirement.objects.filter(procedure=new, code="old_card").update(
        held_when={"fact": "documents", "op": "in", "value": ["hukou_book"]})

    sections = {section.name: section for section in diff_versions(old, new)}

    (fee_row,) = sections["fees"].rows
    changes = {c.label: (c.old, c.new) for c in fee_row.changes}
    assert changes["可信度"] == (fee.get_confidence_display(), "未确认")
    assert changes["减免"] == ("否", "是")
    (edge,) = sections["transitions"].rows
    assert [(c.label, c.old, c.new) for c in edge.changes] == [
        ("类型", "正常流转（用于生成办事计划）", "例外（退回、撤回等，仅由工作人员操作）")]
    (document,) = sections["requirements"].rows
    (held,) = document.changes
    assert held.label == "申请人已有的条件" and held.new.startswith("手头的证件包含")
    words = repr(sections)
    for raw in ("'unknown'", "'planned'", "'exception'", "'True'", "'False'", "'verified'", "'likely'"):
        assert raw not in words, raw
