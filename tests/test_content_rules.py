"""The content rules of issue 10, checked through the engine on the seeded content.

Each group of tests names the rule it holds to (R2 … R12 of the correctness issue). Plans are made
either from a snapshot case (``snapshot_tools.CASES``, as the command computes them) or directly by
the engine from a few answers (``make_plan``).
"""
import datetime

import pytest

from procedures import engine
from procedures.models import RegionRule
from procedures.report import Flag, content_report, flag_counts
from procedures.selectors import load_calendar, resolve_region

from .conftest import TODAY
from .snapshot_tools import CASES, plan_for

D = datetime.date
ADULT = D(1990, 5, 1)

HENAN = "410102"  # 郑州市中原区
SHENZHEN = "440305"  # 深圳市南山区
SHENZHEN_FUTIAN = "440303"
HONG_KONG = "810000"
XINING = "630102"  # 西宁市城东区: cards are mailed
CHENGDU = "510104"  # 成都市锦江区: Sichuan lets a relative collect

pytestmark = pytest.mark.django_db


def make_plan(catalogue, hukou, residence, **answers):
    answers.setdefault("birth_date", ADULT)
    return engine.make_plan(
        catalogue, answers, today=TODAY, hukou=resolve_region(hukou), residence=resolve_region(residence),
        calendar=load_calendar())


def codes(items):
    return {item.code for item in items}


def case_plans(predicate=lambda case: True):
    """Yield (case id, engine plan, JSON data) for the snapshot cases that ``predicate`` keeps."""
    for case in CASES:
        if predicate(case):
            _answers, plan, data = plan_for(case)
            yield case.id, plan, data


def applicant_texts(data):
    """Yield every text of a plan an applicant reads, with where it is."""
    for key in ("warnings", "notices", "urgent_options"):
        for message in data[key]:
            yield f"{key}/{message['code']}", f"{message['title']} {message['text']}"
    for document in data["documents"]:
        yield f"documents/{document['code']}", f"{document['name']} {document['description']}"
    for step in data["steps"]:
        yield f"steps/{step['code']}", f"{step['title']} {step['where']} {step['description']}"
    if data["fee"]:
        yield "fee", data["fee"]["label"]


def step(plan, code):
    return next(s for s in plan.steps if s.code == code)


# --- R11: words that fit the case ----------------------------------------------------------------

def test_every_plan_addresses_the_applicant_as_nin():
    problems = [f"{case_id} {where}: {text}" for case_id, _plan, data in case_plans()
                for where, text in applicant_texts(data) if "你" in text]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("reason", ["lost", "first_time"])
def test_collecting_a_reissued_or_first_card_hands_back_no_old_card(reason):
    plans = list(case_plans(lambda case: case.answers["reason"] == reason))
    assert plans
    for case_id, plan, _data in plans:
        if plan.outcome != "not_applicable":
            assert "旧证" not in step(plan, plan.steps[-1].code).description, case_id


def test_collecting_a_renewed_card_hands_back_the_old_one():
    plans = list(case_plans(lambda case: case.answers["reason"] in ("expiring", "expired", "damaged")))
    for case_id, plan, _data in plans:
        if plan.outcome != "not_applicable" and plan.steps[-1].code == "collect":
            assert "交回旧证" in step(plan, "collect").description, case_id


def test_a_card_made_at_home_is_not_said_to_reach_the_residence():
    plans = [(case_id, plan) for case_id, plan, _data in case_plans() if plan.outcome != "not_applicable"]
    for case_id, plan in plans:
        produce = step(plan, "produce").description
        if plan.cross_region and plan.outcome == "apply_here":
            assert produce.startswith("居住地公安机关"), case_id
        else:
            assert "居住地" not in produce, case_id


def test_the_apply_step_does_not_ask_a_waived_household_to_pay():
    plans = list(case_plans(lambda case: case.answers["hardship"]))
    waived = [(case_id, plan) for case_id, plan, _data in plans if plan.fee and plan.fee.waiver]
    assert waived
    for case_id, plan in waived:
        apply = next(s for s in plan.steps if s.milestone == "accepted")
        assert "缴纳工本费" not in apply.description or "免收" in apply.description, case_id


def test_an_adult_applying_at_home_before_2024_is_not_told_to_bring_a_guardian(seeded_catalogue):
    plan = engine.make_plan(
        seeded_catalogue, {"reason": "first_time", "birth_date": D(2007, 9, 1)}, today=D(2024, 3, 1),
        hukou=resolve_region(HENAN), residence=resolve_region(SHENZHEN), calendar=load_calendar())
    assert plan.procedure == "first-application-at-hukou-place"
    assert step(plan, "apply").description.startswith("填写申领登记表")
    assert "guardian_must_attend" not in codes(plan.warnings)


def test_hong_kong_macao_and_taiwan_are_outside_the_card_by_law(seeded_catalogue):
    plan = make_plan(seeded_catalogue, HONG_KONG, SHENZHEN, reason="lost")
    [warning] = plan.warnings
    assert warning.code == "hukou_not_applicable"
    assert warning.provenance.confidence == "verified"
    assert "居民身份证法" in warning.provenance.source


# --- R9: confidence that tells the truth ---------------------------------------------------------

def test_no_seeded_fact_is_verified_from_one_source_or_carries_an_internal_note():
    counts = flag_counts(content_report(TODAY))
    assert {flag: counts[flag] for flag in (Flag.VERIFIED_SINGLE_SOURCE, Flag.INTERNAL_NOTE, Flag.PLACEHOLDER)} == {
        Flag.VERIFIED_SINGLE_SOURCE: 0, Flag.INTERNAL_NOTE: 0, Flag.PLACEHOLDER: 0}


def test_stage_durations_without_a_public_source_are_unknown(seeded_catalogue):
    plan = make_plan(seeded_catalogue, HENAN, SHENZHEN, reason="expired")
    assert plan.card_ready.basis == "stage_durations"
    assert plan.card_ready.provenance.confidence == "unknown"
    assert plan.card_ready.provenance.source.startswith("未找到公开规定")


def test_a_commercial_page_makes_a_fact_likely_at_most(seeded_catalogue):
    plan = make_plan(seeded_catalogue, HENAN, SHENZHEN, reason="expired")
    seeded = [m for m in (*plan.notices, *plan.documents) if "（商业网站）" in m.provenance.source]
    assert seeded, "the seed page is still cited somewhere"
    assert {m.provenance.confidence for m in seeded} == {"likely"}


# The renewal window follows the household-registration province, wherever one renews.
EXPIRING_IN_FIVE_MONTHS = {"reason": "expiring", "card_expiry_date": D(2027, 4, 25), "birth_date": D(1995, 3, 1)}


@pytest.mark.parametrize("hukou", [
    pytest.param("310101", id="shanghai"), pytest.param("320102", id="jiangsu"),
    pytest.param("440303", id="guangdong"), pytest.param("340102", id="anhui"),
])
def test_six_months_early_where_the_home_province_allows_it(seeded_catalogue, hukou):
    plan = make_plan(seeded_catalogue, hukou, HENAN, **EXPIRING_IN_FIVE_MONTHS)
    assert plan.renewal_window_opens == D(2026, 10, 25)
    assert plan.apply_date == TODAY
    assert "renewal_window_not_open" not in codes(plan.warnings)


def test_three_months_early_elsewhere_even_when_living_in_a_six_month_province(seeded_catalogue):
    plan = make_plan(seeded_catalogue, HENAN, SHENZHEN, **EXPIRING_IN_FIVE_MONTHS)
    assert plan.renewal_window_opens == D(2027, 1, 25)
    assert plan.apply_date == D(2027, 1, 25)
    [warning] = [m for m in plan.warnings if m.code == "renewal_window_not_open"]
    assert "户籍所在省" in warning.text and "3 个月" not in warning.text


def test_every_renewal_window_is_likely_not_verified(seeded_catalogue):
    for procedure in seeded_catalogue.main:
        for limit in procedure.limits("renewal_window"):
            assert limit.provenance.confidence == "likely", (procedure.slug, limit.label)


def test_the_airport_cut_off_is_one_airports_rule(seeded_catalogue):
    plan = make_plan(seeded_catalogue, HENAN, SHENZHEN, reason="lost")
    [flight] = [u for u in plan.urgent_options if u.code == "flight_temporary_certificate"]
    assert flight.provenance.confidence == "likely"
    assert "有的机场起飞前 50 分钟" in flight.text


def test_online_services_only_as_sourced(seeded_catalogue):
    jiangsu = make_plan(seeded_catalogue, "320102", "320102", reason="lost")
    [online] = [m for m in jiangsu.notices if m.code == "online_same_province"]
    assert online.provenance.confidence == "likely"
    assert "随申办" not in online.text
    shanghai = make_plan(seeded_catalogue, "310101", "310101", reason="expired", card_expiry_date=D(2026, 8, 1))
    assert "online_same_province" not in codes(shanghai.notices)


def test_no_city_is_said_to_refuse_temporary_cards_as_certain(seeded_catalogue):
    plan = make_plan(seeded_catalogue, HENAN, "110105", reason="lost")
    [notice] = [m for m in plan.notices if m.code == "temporary_card_at_home_only"]
    assert "北京" not in notice.text and notice.provenance.confidence == "likely"


def test_no_example_rows_among_the_region_rules():
    assert not RegionRule.objects.filter(note__contains="示例").exists()
    assert not RegionRule.objects.filter(source__contains="示例").exists()


def test_mail_is_offered_only_where_a_source_says_so(seeded_catalogue):
    assert resolve_region(SHENZHEN).rule("mail_delivery") is None
    plan = make_plan(seeded_catalogue, HENAN, XINING, reason="lost", delivery="mail")
    assert plan.steps[-1].code == "mailed"
    assert plan.mail_delivery.confidence == "likely" and "青海新闻网" in plan.mail_delivery.source


# --- R12: what applicants also need ---------------------------------------------------------------

def test_network_identity_before_the_old_card_expires(seeded_catalogue):
    plan = make_plan(seeded_catalogue, HENAN, SHENZHEN, reason="expiring", card_expiry_date=D(2027, 1, 20),
                     birth_date=D(1995, 3, 1))
    [notice] = [m for m in plan.notices if m.code == "network_identity"]
    assert "2027年1月20日" in notice.text and "NFC" in notice.text
    assert "未确认" in notice.text  # whether it replaces the card for travel
    assert notice.provenance.confidence == "likely"
    for reason in ("expired", "lost", "damaged"):
        other = make_plan(seeded_catalogue, HENAN, SHENZHEN, reason=reason, card_expiry_date=D(2026, 8, 1))
        assert "network_identity" not in codes(other.notices), reason


@pytest.mark.parametrize("residence, code, confidence", [
    pytest.param(CHENGDU, "proxy_collection", "likely", id="sichuan-allows-it"),
    pytest.param(SHENZHEN, "proxy_collection_unknown", "unknown", id="not-settled-elsewhere"),
])
def test_collection_by_a_relative(seeded_catalogue, residence, code, confidence):
    plan = make_plan(seeded_catalogue, HENAN, residence, reason="lost")
    [notice] = [m for m in plan.notices if m.code.startswith("proxy_collection")]
    assert (notice.code, notice.provenance.confidence) == (code, confidence)


def test_no_collection_notice_when_the_card_is_posted(seeded_catalogue):
    plan = make_plan(seeded_catalogue, HENAN, XINING, reason="lost", delivery="mail")
    assert not {m.code for m in plan.notices if m.code.startswith("proxy_collection")}


def test_the_loss_report_says_what_it_does_and_does_not(seeded_catalogue):
    plan = make_plan(seeded_catalogue, HENAN, SHENZHEN, reason="lost")
    [notice] = [m for m in plan.notices if m.code == "loss_report"]
    assert "不能委托" in notice.text and "不会因挂失而失效" in notice.text
    assert notice.provenance.confidence == "likely"


# --- R3: where one may apply ----------------------------------------------------------------------

GUANGZHOU = "440106"  # 广州市天河区
NANJING = "320102"
SUZHOU = "320505"
RESIDENCE_PROOFS = {"residence_permit", "residence_proof"}


@pytest.mark.parametrize("reason", ["expired", "lost"])
def test_no_residence_proof_inside_a_province_that_takes_any_acceptance_point(seeded_catalogue, reason):
    plan = make_plan(seeded_catalogue, GUANGZHOU, SHENZHEN, reason=reason, card_expiry_date=D(2026, 8, 1),
                     documents=[])
    assert plan.outcome == "apply_here"
    assert not {"residence_proof"} & codes(plan.documents)
    if reason == "expired":
        assert not RESIDENCE_PROOFS & codes(plan.documents)
    [notice] = [m for m in plan.notices if m.code == "province_wide_no_proof"]
    assert notice.provenance.confidence == "likely"
    assert "same_province_scope_unknown" not in codes(plan.notices)


def test_residence_proof_stays_where_the_provinces_scope_is_unknown(seeded_catalogue):
    plan = make_plan(seeded_catalogue, NANJING, SUZHOU, reason="expired", card_expiry_date=D(2026, 8, 1))
    assert RESIDENCE_PROOFS <= codes(plan.documents)
    [notice] = [m for m in plan.notices if m.code == "same_province_scope_unknown"]
    assert notice.provenance.confidence == "unknown" and "未确认" in notice.text


def test_residence_proof_stays_for_someone_from_another_province(seeded_catalogue):
    plan = make_plan(seeded_catalogue, HENAN, SHENZHEN, reason="expired", card_expiry_date=D(2026, 8, 1))
    assert RESIDENCE_PROOFS <= codes(plan.documents)
    assert not {"province_wide_no_proof", "same_province_scope_unknown"} & codes(plan.notices)


def test_qinghai_is_not_marked_as_needing_no_proof():
    rule = RegionRule.objects.get(region__code="630000", topic="province_wide")
    assert rule.applies is False and rule.confidence == "unknown"
    assert resolve_region("630102").rule("province_wide") is None


@pytest.mark.parametrize("hukou, residence, code, confidence", [
    pytest.param("110105", "110108", "where_city_wide", "likely", id="beijing-any-office"),
    pytest.param(SHENZHEN_FUTIAN, SHENZHEN, "where_city_wide", "likely", id="guangdong-any-office"),
    pytest.param("510104", "510107", "where_scope_unknown", "unknown", id="chengdu-not-known"),
])
def test_another_district_of_the_same_city_is_not_sent_home_as_if_certain(seeded_catalogue, hukou, residence,
                                                                          code, confidence):
    plan = make_plan(seeded_catalogue, hukou, residence, reason="lost")
    assert plan.cross_region is False
    apply = next(s for s in plan.steps if s.milestone == "accepted")
    assert "户籍地（" not in apply.where and "户籍所在城市" in apply.where
    [notice] = [m for m in plan.notices if m.code.startswith("where_")]
    assert (notice.code, notice.provenance.confidence) == (code, confidence)


# --- R6: minors -----------------------------------------------------------------------------------

CHILD = D(2014, 3, 1)  # 12 on TODAY


@pytest.mark.parametrize("residence, notice_code, confidence", [
    pytest.param(SHENZHEN, "minor_first_application_guangdong", "verified", id="guangdong-verified"),
    pytest.param("110105", "minor_first_application_elsewhere", "likely", id="beijing-likely"),
])
def test_a_child_makes_a_first_application_where_they_live(seeded_catalogue, residence, notice_code, confidence):
    plan = make_plan(seeded_catalogue, HENAN, residence, reason="first_time", birth_date=CHILD)
    assert (plan.outcome, plan.procedure) == ("apply_here", "cross-region-first-application")
    assert {"guardian_proof", "hukou_book", "schooling_proof", "residence_permit"} <= codes(plan.documents)
    [group] = {d.any_of for d in plan.documents if d.code == "schooling_proof"}
    assert set(group) == {"residence_permit", "residence_proof", "schooling_proof"}
    assert "guardian_must_attend" in codes(plan.warnings)
    [notice] = [m for m in plan.notices if m.code.startswith("minor_first_application")]
    assert (notice.code, notice.provenance.confidence) == (notice_code, confidence)


def test_no_plan_claims_a_sixteen_and_over_limit_on_first_applications(seeded_catalogue):
    for procedure in seeded_catalogue.main:
        for notice in procedure.notices:
            assert "面向年满 16 周岁" not in notice.text, (procedure.slug, notice.code)
    plan = make_plan(seeded_catalogue, HENAN, SHENZHEN, reason="first_time", birth_date=CHILD)
    assert "cross_region_first_application_adults_only" not in codes(plan.warnings)


def test_before_the_nationwide_rollout_a_first_application_was_made_at_home(seeded_catalogue):
    plan = engine.make_plan(
        seeded_catalogue, {"reason": "first_time", "birth_date": CHILD}, today=D(2024, 3, 1),
        hukou=resolve_region(HENAN), residence=resolve_region(SHENZHEN), calendar=load_calendar())
    assert (plan.outcome, plan.procedure) == ("apply_at_hukou_place", "first-application-at-hukou-place")
    [reason] = [m for m in plan.warnings if m.explains_outcome]
    assert reason.code == "first_application_before_nationwide" and "2024 年 5 月 27 日" in reason.text


@pytest.mark.parametrize("residence", [HENAN, SHENZHEN], ids=["at-home", "away"])
def test_someone_turning_16_soon_is_told_what_waiting_changes(seeded_catalogue, residence):
    fifteen = make_plan(seeded_catalogue, "410105", residence, reason="first_time", birth_date=D(2011, 1, 10))
    [notice] = [m for m in fifteen.notices if m.code == "turning_16_soon"]
    assert "5 年" in notice.text and "10 年" in notice.text
    sixteen = make_plan(seeded_catalogue, "410105", residence, reason="first_time", birth_date=D(2010, 6, 1))
    assert "turning_16_soon" not in codes(sixteen.notices)
    assert "apply_within_three_months" in codes(sixteen.notices)


# --- R7: no identity document, no acceptance -------------------------------------------------------

@pytest.mark.parametrize("residence, confidence", [
    pytest.param(SHENZHEN, "verified", id="away-from-home"), pytest.param(SHENZHEN_FUTIAN, "likely", id="at-home"),
])
def test_a_reissue_without_any_identity_document_is_warned_before_travel(seeded_catalogue, residence, confidence):
    hukou = HENAN if residence == SHENZHEN else SHENZHEN
    plan = make_plan(seeded_catalogue, hukou, residence, reason="lost", documents=[])
    assert plan.warnings[0].code == "no_identity_document"
    assert plan.warnings[0].provenance.confidence == confidence
    assert "户口簿" in plan.warnings[0].text


@pytest.mark.parametrize("held", [["hukou_book"], ["residence_permit"], ["other_police_id"]])
def test_one_identity_document_is_enough(seeded_catalogue, held):
    plan = make_plan(seeded_catalogue, HENAN, SHENZHEN, reason="lost", documents=held)
    assert "no_identity_document" not in codes(plan.warnings)


def test_only_a_reissue_is_warned(seeded_catalogue):
    plan = make_plan(seeded_catalogue, HENAN, SHENZHEN, reason="expired", card_expiry_date=D(2026, 8, 1),
                     documents=[])
    assert "no_identity_document" not in codes(plan.warnings)


# --- R8: photo receipts without contradictions -------------------------------------------------------

@pytest.mark.parametrize("code, required, accepted, counter", [
    pytest.param("440305", True, False, False, id="guangdong-required"),
    pytest.param("630102", False, True, True, id="qinghai-accepted-and-counter"),
    pytest.param("430102", False, True, True, id="hunan-accepted-and-counter"),
    pytest.param("340102", False, True, False, id="anhui-accepted"),
    pytest.param("510104", False, False, True, id="chengdu-counter"),
    pytest.param("410102", False, False, False, id="henan-nothing-recorded"),
])
def test_receipt_required_accepted_and_counter_photo_are_recorded_apart(code, required, accepted, counter):
    region = resolve_region(code)
    found = {topic: region.rule(topic) is not None for topic in ("photo_receipt", "photo_receipt_accepted",
                                                                   "counter_photo")}
    assert found == {"photo_receipt": required, "photo_receipt_accepted": accepted, "counter_photo": counter}


def test_guangdong_plan_gives_one_route_and_names_commercial_programs_last(seeded_catalogue):
    plan = make_plan(seeded_catalogue, HENAN, SHENZHEN, reason="expired", card_expiry_date=D(2026, 8, 1))
    receipt_step = step(plan, "get_photo_receipt")
    assert "照相馆" in receipt_step.where and "小程序" not in receipt_step.where
    assert "上传" not in receipt_step.description
    photo = [m.code for m in plan.notices if m.topic == "photo"]
    assert photo.index("photo_studio_guangdong") < photo.index("photo_receipt_commercial")
    [commercial] = [m for m in plan.notices if m.code == "photo_receipt_commercial"]
    assert "收费" in commercial.text and "未确认" in commercial.text
    assert not {"photo_counter", "photo_receipt_optional"} & codes(plan.notices)


def test_a_receipt_that_is_only_accepted_is_not_demanded(seeded_catalogue):
    plan = make_plan(seeded_catalogue, HENAN, XINING, reason="lost")
    assert not plan.photo_receipt.required
    assert "photo_receipt" not in codes(plan.documents)
    assert "get_photo_receipt" not in [s.code for s in plan.steps]
    photo = [m.code for m in plan.notices if m.topic == "photo"]
    # The free route (the counter) before the optional receipt; the official apps before commercial ones.
    assert photo.index("photo_counter") < photo.index("photo_receipt_optional")
    [optional] = [m for m in plan.notices if m.code == "photo_receipt_optional"]
    assert optional.text.index("证照e拍") < optional.text.index("商业小程序")


def test_every_photo_notice_is_likely_or_better_and_cited(seeded_catalogue):
    for case_id, _plan, data in case_plans(lambda case: True):
        for message in data["notices"]:
            if message["topic"] == "photo":
                assert message["confidence"] in ("verified", "likely"), (case_id, message["code"])
                assert "domain.md" not in message["source"], (case_id, message["code"])


# --- R2: a reissue never mentions a fee waiver or reduction ----------------------------------------

WAIVER_WORDS = ("免收", "减收", "减免", "低保", "困难")
REISSUES = ("cross-region-reissue", "local-reissue")


def test_no_reissue_row_offers_a_waiver(seeded_catalogue):
    for procedure in seeded_catalogue.main:
        if procedure.slug in REISSUES:
            assert not [fee.code for fee in procedure.fees if fee.is_waiver], procedure.slug
            for notice in procedure.notices:
                assert not any(word in notice.title + notice.text for word in WAIVER_WORDS), notice.code


@pytest.mark.parametrize("hukou, residence", [
    pytest.param(HENAN, SHENZHEN, id="away"), pytest.param(SHENZHEN_FUTIAN, SHENZHEN, id="at-home"),
    pytest.param("320102", "310101", id="yangtze-delta"),
])
def test_a_reissue_plan_says_nothing_of_waivers_even_for_a_low_income_household(seeded_catalogue, hukou,
                                                                                residence):
    plan = make_plan(seeded_catalogue, hukou, residence, reason="lost", hardship=True, documents=["hukou_book"])
    assert plan.procedure in REISSUES
    assert (plan.fee.amount_yuan, plan.fee.waiver) == (40, False)
    texts = [plan.fee.label, *(f"{m.title}{m.text}" for m in (*plan.warnings, *plan.notices))]
    assert not [text for text in texts if any(word in text for word in WAIVER_WORDS)]


def test_the_hardship_question_is_not_asked_for_a_reissue():
    lost = [case for case in CASES if case.answers["reason"] == "lost"]
    assert any(case.answers["hardship"] for case in lost), "a case answers yes to hardship"
    for case in lost:
        answers, _plan, data = plan_for(case)
        assert "hardship" not in answers, case.id  # dropped: the question is not asked
        assert data["fee"] is None or not data["fee"]["waiver"], case.id


# --- R1: validity by age on the day the card is issued -------------------------------------------

NANJING = "320102"  # 南京市玄武区
SHANGHAI = "310101"  # 上海市黄浦区


@pytest.mark.parametrize("reason", ["expired", "lost"])
def test_a_card_accepted_away_is_issued_when_home_signs_off(seeded_catalogue, reason):
    plan = make_plan(seeded_catalogue, HENAN, SHENZHEN, reason=reason, card_expiry_date=D(2026, 10, 1),
                     documents=["old_card", "hukou_book"] if reason == "expired" else ["hukou_book"])
    signoff = step(plan, "signoff")
    assert signoff.milestone == "issued"
    assert plan.new_card.issued_on == signoff.latest > step(plan, "apply").latest
    assert plan.new_card.expiry == signoff.latest.replace(year=signoff.latest.year + 20)


def test_a_card_accepted_at_home_is_issued_by_the_acceptance_day(seeded_catalogue):
    plan = make_plan(seeded_catalogue, SHENZHEN_FUTIAN, SHENZHEN, reason="expired", card_expiry_date=D(2026, 10, 1),
                     documents=["old_card"])
    assert "signoff" not in codes(plan.steps)
    assert plan.new_card.issued_on == step(plan, "apply").latest


def test_the_issue_example_turning_46_before_collection_gets_20_years(seeded_catalogue):
    plan = engine.make_plan(
        seeded_catalogue, {"reason": "expired", "card_expiry_date": D(2026, 10, 1), "birth_date": D(1981, 1, 2),
                           "documents": ["old_card"]},
        today=D(2026, 12, 14), hukou=resolve_region(HENAN), residence=resolve_region(SHENZHEN),
        calendar=load_calendar())
    assert plan.card_ready.date > D(2027, 1, 2) > plan.new_card.issued_on
    assert (plan.new_card.validity_years, plan.new_card.long_term) == (20, False)


# --- R5: a Delta temporary card comes after sign-off ------------------------------------------------

def delta_lost(catalogue, needed_by):
    plan = make_plan(catalogue, NANJING, SHANGHAI, reason="lost", documents=["hukou_book"], needed_by=needed_by)
    return plan, next(o for o in plan.urgent_options if o.code == "temporary_card")


def test_the_delta_temporary_card_is_in_hand_three_days_after_sign_off(seeded_catalogue):
    plan, card = delta_lost(seeded_catalogue, TODAY + datetime.timedelta(days=30))
    assert card.ready_by == step(plan, "signoff").latest + datetime.timedelta(days=3)
    assert card.late is False


def test_the_delta_temporary_card_says_when_it_comes_if_that_is_too_late(seeded_catalogue):
    plan, card = delta_lost(seeded_catalogue, TODAY + datetime.timedelta(days=2))
    assert card.ready_by > plan.needed_by
    assert card.late is True
    flight = next(o for o in plan.urgent_options if o.code == "flight_temporary_certificate")
    assert (flight.ready_by, flight.late) == (None, False)  # a travel certificate does not wait


def test_the_plan_command_and_pages_carry_when_the_temporary_card_comes(seeded_catalogue):
    plan, card = delta_lost(seeded_catalogue, TODAY + datetime.timedelta(days=2))
    data = plan.to_json()
    stored = next(o for o in data["urgent_options"] if o["code"] == "temporary_card")
    assert (stored["ready_by"], stored["late"]) == (card.ready_by.isoformat(), True)
    assert type(plan).from_json(data).urgent_options == plan.urgent_options


# --- R4: a statutory holiday is closed even before the year's schedule is published -------------

def test_the_days_the_law_makes_holidays_are_closed_in_2027():
    calendar = load_calendar()
    assert not calendar.covers(D(2027, 1, 1))  # the State Council's 2027 schedule is not in yet
    for day in (D(2027, 1, 1), D(2027, 2, 5), D(2027, 2, 8), D(2027, 4, 5), D(2027, 5, 1), D(2027, 6, 9),
                D(2027, 9, 15), D(2027, 10, 1)):
        assert not calendar.is_open(day, weekends=True), day


def test_no_card_is_ready_on_new_years_day():
    closed = load_calendar().holidays
    moved = 0
    for case_id, plan, _data in case_plans():
        for s in plan.steps:
            if s.milestone in ("card_ready", "collected"):
                assert s.latest not in closed, (case_id, s.code, s.latest)
        if plan.card_ready.date:
            assert plan.card_ready.date not in closed, case_id
            moved += plan.card_ready.date == D(2027, 1, 4)
    assert moved, "some plan that once ended on 2027-01-01 now ends on the next working day"


# --- what a reading of every snapshot found -------------------------------------------------------

@pytest.mark.parametrize("hukou, reason", [
    pytest.param(HENAN, "expired", id="away"), pytest.param(SHENZHEN_FUTIAN, "expiring", id="at-home"),
    pytest.param(HENAN, "details_changed", id="details-changed-sent-home"),
])
def test_a_renewal_without_the_old_card_is_warned_first(seeded_catalogue, hukou, reason):
    plan = make_plan(seeded_catalogue, hukou, SHENZHEN, reason=reason, card_expiry_date=D(2026, 12, 20),
                     documents=["hukou_book"])
    assert plan.warnings[0].code == "no_old_card"
    assert "补领" in plan.warnings[0].text
    # Starting again as a lost card drops the details-changed warnings: this one says it itself.
    assert "先到户籍地派出所改好户口登记" in plan.warnings[0].text
    with_card = make_plan(seeded_catalogue, hukou, SHENZHEN, reason=reason, card_expiry_date=D(2026, 12, 20),
                          documents=["old_card", "hukou_book"])
    assert "no_old_card" not in codes(with_card.warnings)


def test_a_change_of_details_at_home_lists_the_register_and_the_change_papers(seeded_catalogue):
    plan = make_plan(seeded_catalogue, SHENZHEN_FUTIAN, SHENZHEN, reason="details_changed",
                     documents=["old_card", "hukou_book"])
    assert plan.procedure == "local-renewal"
    assert {"old_card", "hukou_book", "change_proof"} <= codes(plan.documents)
    assert not codes(plan.notices) & {"where_city_wide", "where_scope_unknown"}
    assert "fix_registration_first" in codes(plan.warnings)
    renewal = make_plan(seeded_catalogue, SHENZHEN_FUTIAN, SHENZHEN, reason="expiring",
                        card_expiry_date=D(2026, 12, 20), documents=["old_card"])
    assert not codes(renewal.documents) & {"hukou_book", "change_proof"}
    assert "where_city_wide" in codes(renewal.notices)


@pytest.mark.parametrize("hukou", [HENAN, SHENZHEN_FUTIAN])
def test_a_waived_fee_comes_with_the_proof_to_bring(seeded_catalogue, hukou):
    plan = make_plan(seeded_catalogue, hukou, SHENZHEN, reason="expired", card_expiry_date=D(2026, 10, 1),
                     documents=["old_card"], hardship=True)
    assert plan.fee.waiver and plan.fee.amount_yuan == 0
    proof = next(d for d in plan.documents if d.code == "hardship_proof")
    assert proof.provenance.confidence == "likely"
    plain = make_plan(seeded_catalogue, hukou, SHENZHEN, reason="expired", card_expiry_date=D(2026, 10, 1),
                      documents=["old_card"], hardship=False)
    assert "hardship_proof" not in codes(plain.documents)


def test_a_mailed_card_is_not_announced_as_ready_to_collect():
    for case_id, _plan, data in case_plans():
        ready = next((s for s in data["steps"] if s["code"] == "ready"), None)
        if ready is not None:
            assert ready["description"] != "受理点通知您证件已可领取。", case_id
            assert "领取" not in ready["description"], case_id  # a posted card is not collected
