"""The seeded procedures, end to end: real regions, the seeded calendar and the engine's plan."""
import datetime
import functools
import itertools

import pytest

from procedures import engine
from procedures.selectors import load_calendar, resolve_region
from procedures.vocabulary import Reason

from .conftest import TODAY

D = datetime.date
ADULT = D(1990, 5, 1)  # 36 on TODAY and on every card-ready date below

HENAN = "410102"  # 郑州市中原区
SHENZHEN = "440305"  # 深圳市南山区
SHENZHEN_FUTIAN = "440303"
BEIJING = "110105"  # 北京市朝阳区
NANJING = "320102"  # 南京市玄武区
SHANGHAI = "310101"  # 上海市黄浦区
HONG_KONG = "810000"


def make_plan(catalogue, hukou, residence, **answers):
    answers.setdefault("birth_date", ADULT)
    return engine.make_plan(
        catalogue, answers, today=TODAY, hukou=resolve_region(hukou), residence=resolve_region(residence),
        calendar=load_calendar())


def codes(items):
    return {item.code for item in items}


def case(hukou, residence, answers, expect, has=None, lacks=None, *, id):
    return pytest.param(hukou, residence, answers, expect, has or {}, lacks or {}, id=id)


CASES = [
    case(HENAN, SHENZHEN, {"reason": "expired", "card_expiry_date": D(2026, 10, 1)},
         {"outcome": "apply_here", "procedure": "cross-region-renewal", "fee_yuan": 20,
          "photo_receipt.required": True, "photo_receipt.validity_days": 180,
          "photo_receipt.expiry": TODAY + datetime.timedelta(days=180), "apply_date": TODAY},
         has={"documents": {"old_card", "application_form", "photo_receipt"},
              "warnings": {"return_old_card"}, "notices": {"no_extra_time_or_fee"}},
         lacks={"warnings": {"renewal_window_not_open"}, "documents": {"hukou_book"}},
         id="renewal-on-expiry"),
    case(HENAN, SHENZHEN, {"reason": "expiring", "card_expiry_date": D(2027, 1, 25)},
         {"procedure": "cross-region-renewal", "fee_yuan": 20, "apply_date": TODAY,
          "renewal_window_opens": D(2026, 10, 25)},
         lacks={"warnings": {"renewal_window_not_open"}, "notices": {"early_renewal_fee"}},
         id="expiring-window-open"),
    case(HENAN, SHENZHEN, {"reason": "damaged"},
         {"procedure": "cross-region-renewal", "fee_yuan": 40}, id="damaged"),
    case(HENAN, SHENZHEN, {"reason": "expired", "hardship": True},
         {"procedure": "cross-region-renewal", "fee_yuan": 0}, id="hardship-waiver"),
    case(HENAN, SHENZHEN, {"reason": "damaged", "hardship": True},
         {"procedure": "cross-region-renewal", "fee_yuan": 0}, id="damaged-hardship-waiver"),
    case(HENAN, SHENZHEN, {"reason": "lost", "hardship": True},
         {"procedure": "cross-region-reissue", "fee_yuan": 40},
         # Art. 20 waives or reduces the fee on first application and renewal only: nothing about it here.
         has={"notices": {"loss_report"}, "documents": {"hukou_book", "residence_permit", "other_police_id"}},
         lacks={"documents": {"old_card"}, "warnings": {"return_old_card"}, "notices": {"hardship_reduction"}},
         id="lost-hardship-not-waived"),
    case(HENAN, SHENZHEN, {"reason": "first_time", "birth_date": D(2006, 6, 1)},
         {"outcome": "apply_here", "procedure": "cross-region-first-application", "fee_yuan": 0},
         has={"documents": {"hukou_book", "application_form"}},
         lacks={"notices": {"apply_within_three_months"}, "documents": {"guardian_proof"}},
         id="first-time-adult-cross-region"),
    case(HENAN, SHENZHEN, {"reason": "first_time", "birth_date": D(2010, 9, 1)},
         {"outcome": "apply_here", "procedure": "cross-region-first-application", "age": 16},
         has={"notices": {"apply_within_three_months"}},
         id="first-time-just-turned-16"),
    # A child's first card is made where the child lives (first applications across provinces since 2024-05-27).
    case(HENAN, SHENZHEN, {"reason": "first_time", "birth_date": D(2014, 3, 1)},
         {"outcome": "apply_here", "procedure": "cross-region-first-application",
          "fee_yuan": 0, "age": 12, "new_card.validity_years": 5},
         has={"warnings": {"guardian_must_attend"}, "notices": {"minor_first_application_guangdong"},
              "documents": {"guardian_proof", "hukou_book", "schooling_proof"}},
         id="first-time-child-cross-region"),
    case(HONG_KONG, SHENZHEN, {"reason": "expired"},
         {"outcome": "not_applicable", "procedure": "not-applicable", "fee_yuan": 0,
          "card_ready.date": None, "documents": ()},
         has={"warnings": {"hukou_not_applicable"}}, lacks={"warnings": {"residence_not_applicable"}},
         id="hong-kong-hukou"),
    case(HENAN, HONG_KONG, {"reason": "expired"},
         {"outcome": "not_applicable", "procedure": "not-applicable"},
         has={"warnings": {"residence_not_applicable"}}, lacks={"warnings": {"hukou_not_applicable"}},
         id="hong-kong-residence"),
    case(SHENZHEN_FUTIAN, SHENZHEN, {"reason": "expired"},
         {"outcome": "apply_here", "procedure": "local-renewal", "fee_yuan": 20, "cross_region": False},
         has={"urgent_options": {"temporary_card"}, "notices": {"online_same_province"}},
         lacks={"notices": {"no_extra_time_or_fee"}},
         id="local-renewal-same-prefecture"),
    case(HENAN, SHENZHEN, {"reason": "expiring", "card_expiry_date": D(2027, 9, 25)},
         {"procedure": "cross-region-renewal", "apply_date": D(2027, 6, 25),
          "renewal_window_opens": D(2027, 6, 25), "deadline.date": D(2027, 8, 24)},
         has={"warnings": {"renewal_window_not_open"}, "notices": {"early_renewal_fee"}},
         id="expiring-window-not-open"),
    case(HENAN, BEIJING, {"reason": "expired"},
         {"procedure": "cross-region-renewal", "card_ready.basis": "local_promise",
          "card_ready.date": TODAY + datetime.timedelta(days=20), "photo_receipt.required": False},
         lacks={"documents": {"photo_receipt"}},
         id="beijing-cross-region-promise"),
    case(NANJING, SHANGHAI, {"reason": "lost", "needed_by": D(2026, 12, 1)},
         {"procedure": "cross-region-reissue", "fee_yuan": 40},
         has={"urgent_options": {"temporary_card", "flight_temporary_certificate"}},
         lacks={"notices": {"temporary_card_at_home_only"}},
         id="yrd-lost-urgent-temporary-card"),
    case(NANJING, SHANGHAI, {"reason": "expiring", "card_expiry_date": D(2026, 12, 10),
                             "needed_by": D(2026, 12, 20)},
         {"procedure": "cross-region-renewal"},
         has={"urgent_options": {"temporary_card"}},
         id="yrd-needed-after-old-card-expires"),
    case(NANJING, SHANGHAI, {"reason": "expiring", "card_expiry_date": D(2027, 1, 25),
                             "needed_by": D(2026, 12, 1)},
         {"procedure": "cross-region-renewal"},
         lacks={"urgent_options": {"temporary_card", "flight_temporary_certificate"}},
         id="yrd-needed-while-old-card-still-valid"),
    case(NANJING, SHANGHAI, {"reason": "expiring", "card_expiry_date": D(2027, 1, 25),
                             "needed_by": D(2027, 6, 1)},
         {"procedure": "cross-region-renewal"},
         lacks={"urgent_options": {"temporary_card", "flight_temporary_certificate"}},
         id="yrd-not-urgent"),
    case(HENAN, BEIJING, {"reason": "lost"},
         {"procedure": "cross-region-reissue", "fee_yuan": 40},
         has={"notices": {"temporary_card_at_home_only"},
              "urgent_options": {"flight_temporary_certificate", "train_temporary_certificate"}},
         lacks={"urgent_options": {"temporary_card"}},
         id="henan-in-beijing-lost-no-temporary-card"),
    case(HENAN, SHENZHEN, {"reason": "expired", "birth_date": D(2006, 6, 1)},
         {"card_ready.date": D(2027, 1, 7), "new_card.validity_years": 10, "new_card.long_term": False,
          "new_card.expiry": D(2036, 11, 30)},  # ten years from the latest sign-off day (签发)
         id="validity-ten-years-at-20"),
    case(HENAN, SHENZHEN, {"reason": "expired", "birth_date": D(1970, 6, 1)},
         {"new_card.validity_years": None, "new_card.long_term": True, "new_card.expiry": None},
         id="validity-long-term-at-56"),
    case(HENAN, SHENZHEN, {"reason": "expired"},
         {"deadline.date": TODAY + datetime.timedelta(days=60), "card_ready.basis": "stage_durations"},
         id="statutory-deadline-60-days"),
    case(HENAN, SHENZHEN, {"reason": "expired"},
         {"calendar_incomplete": True},
         has={"warnings": {"holiday_calendar_incomplete"}},
         id="dates-into-2027-calendar-incomplete"),
]


@pytest.mark.parametrize("hukou, residence, answers, expect, has, lacks", CASES)
def test_seeded_plan(seeded_catalogue, hukou, residence, answers, expect, has, lacks):
    plan = make_plan(seeded_catalogue, hukou, residence, **answers)
    for path, value in expect.items():
        assert functools.reduce(getattr, path.split("."), plan) == value, path
    for group, wanted in has.items():
        assert wanted <= codes(getattr(plan, group)), group
    for group, unwanted in lacks.items():
        assert not unwanted & codes(getattr(plan, group)), group


def test_old_card_is_handed_back_on_renewal(seeded_catalogue):
    plan = make_plan(seeded_catalogue, HENAN, SHENZHEN, reason="expired", documents=["old_card"])
    documents = {d.code: d for d in plan.documents}
    assert documents["old_card"].handed_back is True
    assert documents["old_card"].held is True
    assert documents["application_form"].handed_back is False
    assert documents["application_form"].name == "《居民身份证异地受理登记表》"


def test_fee_waiver_is_the_hardship_rule(seeded_catalogue):
    plan = make_plan(seeded_catalogue, HENAN, SHENZHEN, reason="expired", hardship=True)
    assert plan.fee.code == "hardship_waiver"
    assert plan.fee.waiver is True


def test_window_notice_names_the_dates(seeded_catalogue):
    plan = make_plan(seeded_catalogue, HENAN, SHENZHEN, reason="expiring", card_expiry_date=D(2027, 9, 25))
    [notice] = [m for m in plan.warnings if m.code == "renewal_window_not_open"]
    assert "2027年9月25日" in notice.text
    assert "2027年6月25日" in notice.text
    assert "{" not in notice.text


def test_steps_name_the_places(seeded_catalogue):
    plan = make_plan(seeded_catalogue, HENAN, SHENZHEN, reason="expired")
    where = {s.code: s.where for s in plan.steps}
    assert where["apply"] == "广东省深圳市南山区公安机关居民身份证异地受理点"
    assert "河南省郑州市中原区" in where["signoff"]


def test_photo_receipt_subprocedure_is_skipped_when_the_applicant_has_one(seeded_catalogue):
    without = make_plan(seeded_catalogue, HENAN, SHENZHEN, reason="expired")
    holding = make_plan(seeded_catalogue, HENAN, SHENZHEN, reason="expired", has_photo_receipt=True)
    assert "get_photo_receipt" in [s.code for s in without.steps]
    assert "get_photo_receipt" not in [s.code for s in holding.steps]
    assert holding.photo_receipt.expiry is None
    assert {d.code: d.held for d in holding.documents}["photo_receipt"] is True


PLACES = [
    pytest.param(HENAN, SHENZHEN, id="cross-province"),
    pytest.param(SHENZHEN_FUTIAN, SHENZHEN, id="same-city"),
    pytest.param(NANJING, SHANGHAI, id="yangtze-delta"),
]


@pytest.mark.parametrize("hukou, residence", PLACES)
@pytest.mark.parametrize("reason, birth_date, delivery", [
    pytest.param(reason, birth_date, delivery, id=f"{reason}-{age}-{delivery}")
    for reason, (age, birth_date), delivery in itertools.product(
        Reason.values, [("adult", ADULT), ("child", D(2014, 3, 1))], ["collect", "mail"])
])
def test_every_combination_gets_a_complete_plan(seeded_catalogue, hukou, residence, reason, birth_date,
                                                delivery):
    plan = make_plan(seeded_catalogue, hukou, residence, reason=reason, birth_date=birth_date,
                     delivery=delivery)
    assert plan.outcome in ("apply_here", "apply_at_hukou_place")
    assert plan.fee is not None
    assert plan.steps[0].code == "prepare"
    # Mail only where the place of application offers it: a child's first card is made at home.
    place = resolve_region(hukou if plan.outcome == "apply_at_hukou_place" else residence)
    offered = place.rule("mail_delivery") is not None
    assert plan.steps[-1].code == ("mailed" if delivery == "mail" and offered else "collect")
    assert plan.card_ready.date is not None
    assert plan.card_ready.date <= plan.deadline.date
    assert plan.new_card.validity_years == (20 if birth_date == ADULT else 5)
    assert "application_form" in codes(plan.documents)
    assert ("guardian_must_attend" in codes(plan.warnings)) is (birth_date != ADULT)


@pytest.mark.parametrize("hukou, residence", [
    pytest.param(HENAN, SHENZHEN, id="receipt-needed-where-living"),
    pytest.param(SHENZHEN, HENAN, id="receipt-not-needed-where-living"),
])
def test_photo_receipt_agrees_with_the_place_of_application_cross_region(seeded_catalogue, hukou, residence):
    plan = make_plan(seeded_catalogue, hukou, residence, reason="expired")
    assert plan.outcome == "apply_here"
    assert ("photo_receipt" in codes(plan.documents)) is plan.photo_receipt.required
    assert ("get_photo_receipt" in [s.code for s in plan.steps]) is plan.photo_receipt.required


@pytest.mark.parametrize("hukou, residence", [
    pytest.param(HENAN, SHENZHEN, id="receipt-needed-where-living-not-at-home"),
    pytest.param(SHENZHEN, HENAN, id="receipt-needed-at-home-not-where-living"),
])
def test_photo_receipt_agrees_with_the_place_of_application_at_hukou_place(seeded_catalogue, hukou,
                                                                            residence):
    plan = make_plan(seeded_catalogue, hukou, residence, reason="details_changed", birth_date=D(2014, 3, 1))
    assert plan.outcome == "apply_at_hukou_place"
    assert ("photo_receipt" in codes(plan.documents)) is plan.photo_receipt.required
    assert ("get_photo_receipt" in [s.code for s in plan.steps]) is plan.photo_receipt.required
