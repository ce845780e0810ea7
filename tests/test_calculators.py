"""The engine's calculators on their own: compiled values in, part of a plan out, no database."""
import datetime
from types import MappingProxyType

import pytest

from procedures import conditions
from procedures.calendar import WorkingCalendar
from procedures.engine import calculators
from procedures.engine.compile import CFee, CNotice, CRequirement, CState, CTimeLimit, CValidityRule
from procedures.engine.plan import Provenance
from procedures.engine.regions import RegionInfo, RuleInfo

D = datetime.date
SOURCE = Provenance("居民身份证法", "verified", D(2026, 12, 1))
KNOWN_2026 = WorkingCalendar(holidays=frozenset({D(2026, 10, 1)}), complete_years=frozenset({2026}))


def compiled(condition):
    return conditions.compile_condition(condition)


def state(code, *, low=0, high=0, unit="calendar_days", milestone=""):
    return CState(code=code, name=code, description="", actor="applicant", location="", order=0,
                  is_initial=False, is_terminal=False, milestone=milestone, duration_min=low, duration_max=high,
                  duration_unit=unit, subprocedure=None, provenance=SOURCE)


def limit(kind, amount=0, unit="calendar_days", condition=None, topic=""):
    return CTimeLimit(kind=kind, amount=amount, unit=unit, label="", priority=10, region_topic=topic,
                      condition=condition or {}, test=compiled(condition or {}), provenance=SOURCE)


def region(code, **rules):
    infos = {topic: RuleInfo(applies=True, days=days, unit="calendar_days", note="", region_code=code,
                             provenance=SOURCE) for topic, days in rules.items()}
    return RegionInfo(code=code, name=code, province_code=code[:2] + "0000", rules=MappingProxyType(infos))


class Owner:
    slug = "p"


class Procedure:
    def __init__(self, *, fees=(), limits=(), validity=()):
        self.fees, self.time_limits, self.validity_rules = tuple(fees), tuple(limits), tuple(validity)

    def limits(self, kind):
        return tuple(item for item in self.time_limits if item.kind == kind)


# --- place of application ---------------------------------------------------------

@pytest.mark.parametrize("outcome, expected", [
    ("apply_here", "residence"), ("apply_at_hukou_place", "hukou"), ("not_applicable", None)])
def test_place_of_application_follows_the_outcome(outcome, expected):
    places = {"residence": "R", "hukou": "H"}
    assert calculators.place_of_application(outcome, hukou="H", residence="R") == places.get(expected)


# --- time limits ---------------------------------------------------------------------

def test_renewal_window_counts_back_from_the_expiry_for_whom_its_row_applies():
    window = limit("renewal_window", 3, "months", {"fact": "reason", "op": "eq", "value": "expiring"})
    procedure = Procedure(limits=[window])
    facts = {"reason": "expiring", "card_expiry_date": D(2027, 3, 31), "today": D(2026, 12, 1)}
    assert calculators.renewal_window(procedure, facts) == (D(2026, 12, 31), False)
    assert calculators.renewal_window(procedure, {**facts, "reason": "expired"}) == (None, None)
    assert calculators.renewal_window(procedure, {**facts, "card_expiry_date": None}) == (None, None)


def test_promise_takes_the_places_rule_its_row_names():
    rows = [limit("promise", topic="promise_cross_region", condition={"fact": "cross_region", "op": "eq",
                                                                      "value": True}),
            limit("promise", topic="promise_local")]
    place = region("110000", promise_cross_region=20, promise_local=10)
    procedure = Procedure(limits=rows)
    assert calculators.promise(procedure, {"cross_region": True}, place).days == 20
    assert calculators.promise(procedure, {"cross_region": False}, place).days == 10
    assert calculators.promise(procedure, {"cross_region": True}, None) is None


# --- timeline ------------------------------------------------------------------------

PATH = [(Owner, state("apply", milestone="accepted")), (Owner, state("review", low=1, high=5)),
        (Owner, state("ready", low=2, high=10, unit="working_days", milestone="card_ready")),
        (Owner, state("collect"))]


def test_timeline_adds_each_stage_in_its_own_unit():
    steps, ready, deadline, estimated = calculators.timeline(
        PATH, {}, apply_date=D(2026, 11, 25), calendar=KNOWN_2026, promised=None,
        deadline_limit=limit("deadline", 60))
    assert [(s.earliest, s.latest) for s in steps][1:3] == [
        (D(2026, 11, 26), D(2026, 11, 30)), (D(2026, 11, 30), D(2026, 12, 14))]
    assert (ready.date, ready.basis) == (D(2026, 12, 14), "stage_durations")
    assert deadline.date == D(2027, 1, 24)
    assert estimated is False  # the deadline is in 2027, but calendar days need no holiday data


def test_timeline_moves_a_card_ready_day_off_a_closed_day():
    promised = RuleInfo(True, 25, "calendar_days", "", "440300", SOURCE)  # 2026-12-20 is a Sunday
    _steps, ready, _deadline, _estimated = calculators.timeline(
        PATH, {}, apply_date=D(2026, 11, 25), calendar=KNOWN_2026, promised=promised,
        deadline_limit=limit("deadline", 60))
    assert (ready.date, ready.basis) == (D(2026, 12, 21), "local_promise")


def test_timeline_keeps_the_card_ready_day_within_the_deadline():
    promised = RuleInfo(True, 90, "calendar_days", "", "440300", SOURCE)
    steps, ready, deadline, _estimated = calculators.timeline(
        PATH, {}, apply_date=D(2026, 11, 25), calendar=KNOWN_2026, promised=promised,
        deadline_limit=limit("deadline", 60))
    assert deadline.date == D(2027, 1, 24)  # a Sunday
    assert (ready.date, ready.basis) == (D(2027, 1, 22), "statutory_deadline")
    assert all(step.latest <= ready.date for step in steps[:3])


def test_timeline_is_an_estimate_only_when_a_working_day_date_falls_in_an_unknown_year():
    args = {"promised": None, "deadline_limit": limit("deadline", 60), "calendar": KNOWN_2026}
    assert calculators.timeline(PATH, {}, apply_date=D(2026, 11, 25), **args)[3] is False
    assert calculators.timeline(PATH, {}, apply_date=D(2026, 12, 21), **args)[3] is True


def test_apply_day_is_a_day_the_office_opens():
    assert calculators.apply_day(KNOWN_2026, D(2026, 10, 1)) == D(2026, 10, 2)  # a holiday
    assert calculators.apply_day(KNOWN_2026, D(2026, 11, 28)) == D(2026, 11, 30)  # a Saturday
    assert calculators.apply_day(KNOWN_2026, D(2026, 11, 28), weekends=True) == D(2026, 11, 28)


# --- fee -----------------------------------------------------------------------------

def fee(code, amount, condition=None, waiver=False):
    return CFee(code=code, label=code, amount=amount, is_waiver=waiver, valid_from=D(2018, 4, 1), valid_to=None,
                priority=10, condition=condition or {}, test=compiled(condition or {}), provenance=SOURCE)


HARDSHIP = {"fact": "hardship", "op": "eq", "value": True}
RENEWAL = Procedure(fees=[fee("waiver", 0, HARDSHIP, waiver=True), fee("renewal", 20)])
REISSUE = Procedure(fees=[fee("reissue", 40)])


def test_fee_is_the_first_row_in_force_that_applies():
    assert calculators.fee(RENEWAL, {"hardship": True}, D(2026, 12, 1)).amount_yuan == 0
    assert calculators.fee(RENEWAL, {"hardship": False}, D(2026, 12, 1)).amount_yuan == 20
    assert calculators.fee(RENEWAL, {}, D(2010, 1, 1)) is None


def test_waiver_is_possible_only_where_a_waiver_row_could_apply():
    assert calculators.fee_waiver_possible(RENEWAL, {}, D(2026, 12, 1)) is True
    assert calculators.fee_waiver_possible(RENEWAL, {"hardship": False}, D(2026, 12, 1)) is True
    assert calculators.fee_waiver_possible(REISSUE, {}, D(2026, 12, 1)) is False


# --- the new card ----------------------------------------------------------------------

BANDS = Procedure(validity=[
    CValidityRule(lo, hi, years, {}, compiled({}), SOURCE) for lo, hi, years in
    ((0, 15, 5), (16, 25, 10), (26, 45, 20), (46, None, None))])


def test_new_card_validity_is_by_age_on_the_issue_day():
    card = calculators.new_card(BANDS, {"birth_date": D(1981, 1, 2)}, D(2026, 12, 19))
    assert (card.validity_years, card.expiry, card.issued_on) == (20, D(2046, 12, 19), D(2026, 12, 19))
    assert calculators.new_card(BANDS, {"birth_date": D(1981, 1, 2)}, D(2027, 1, 2)).long_term is True
    assert calculators.new_card(BANDS, {}, D(2027, 1, 2)).validity_years is None


def test_issue_day_is_the_sign_off_or_else_the_acceptance():
    steps, *_rest = calculators.timeline(PATH, {}, apply_date=D(2026, 11, 25), calendar=KNOWN_2026,
                                         promised=None, deadline_limit=None)
    assert calculators.issue_day(steps, D(2026, 11, 25)) == D(2026, 11, 25)
    signed = [(Owner, state("apply", milestone="accepted")), (Owner, state("signoff", low=1, high=5,
                                                                             milestone="issued"))]
    steps, *_rest = calculators.timeline(signed, {}, apply_date=D(2026, 11, 25), calendar=KNOWN_2026,
                                         promised=None, deadline_limit=None)
    assert calculators.issue_day(steps, D(2026, 11, 25)) == D(2026, 11, 30)


# --- photo receipt and documents -----------------------------------------------------------

def test_photo_receipt_follows_the_place_and_lasts_from_the_day_to_go():
    receipt, estimated = calculators.photo_receipt(region("440300", photo_receipt=180), {},
                                                   apply_date=D(2026, 11, 25), calendar=KNOWN_2026)
    assert (receipt.required, receipt.validity_days, receipt.expiry, estimated) == (
        True, 180, D(2027, 5, 24), False)
    already, _estimated = calculators.photo_receipt(region("440300", photo_receipt=180), {"has_photo_receipt": True},
                                                    apply_date=D(2026, 11, 25), calendar=KNOWN_2026)
    assert already.expiry is None
    assert calculators.photo_receipt(region("110000"), {}, apply_date=D(2026, 11, 25),
                                     calendar=KNOWN_2026)[0].required is False


def requirement(code, *, group="", held_when=None, condition=None):
    return CRequirement(code=code, name=code, description="", form="original", quantity=1, group=group,
                        handed_back=False, condition=condition or {}, test=compiled(condition or {}),
                        held_when=held_when or {}, held_test=compiled(held_when or {}), provenance=SOURCE)


class WithRequirements:
    def __init__(self, *requirements):
        self.requirements = requirements


def test_documents_say_what_the_person_has_and_group_alternatives():
    holds = {"fact": "documents", "op": "in", "value": ["residence_permit"]}
    procedure = WithRequirements(requirement("form"), requirement("residence_permit", group="live", held_when=holds),
                                 requirement("residence_proof", group="live"),
                                 requirement("never", condition={"fact": "reason", "op": "eq", "value": "lost"}))
    documents = calculators.documents([procedure], {"reason": "expired", "documents": ["residence_permit"]})
    assert [(d.code, d.held, d.any_of) for d in documents] == [
        ("form", None, ()), ("residence_permit", True, ("residence_permit", "residence_proof")),
        ("residence_proof", None, ("residence_permit", "residence_proof"))]
    not_asked = calculators.documents([procedure], {"reason": "expired"})
    assert not_asked[1].held is None


def test_messages_split_warnings_from_other_notices_and_fill_placeholders():
    def notice(code, severity):
        return CNotice(code=code, title=code, text="到 {card_expiry_date}", severity=severity, topic="general",
                       explains_outcome=False, condition={}, test=compiled({}), provenance=SOURCE)

    class WithNotices:
        notices = (notice("a", "warning"), notice("b", "info"))

    warnings, notices = calculators.messages([WithNotices], {"card_expiry_date": D(2027, 1, 20)})
    assert [m.code for m in warnings] == ["a"] and [m.code for m in notices] == ["b"]
    assert warnings[0].text == "到 2027年1月20日"


# --- the office directory -----------------------------------------------------------------

def directory_entry(region_code, name, condition=None):
    from procedures.engine.plan import ServicePoint
    from procedures.engine.regions import DirectoryEntry

    return DirectoryEntry(region_code, ServicePoint(kind="office", name=name),
                          conditions.compile_condition(condition or {}))


def test_service_points_are_the_places_own_then_its_provinces_whose_condition_holds():
    place = RegionInfo(code="350200", name="福建省厦门市", province_code="350000", directory=(
        directory_entry("350200", "city office"),
        directory_entry("350200", "for lost cards", {"fact": "reason", "op": "eq", "value": "lost"}),
        directory_entry("350000", "province channel"),
    ))
    assert [p.name for p in calculators.service_points(place, {"reason": "damaged"})] == [
        "city office", "province channel"]
    assert [p.name for p in calculators.service_points(place, {"reason": "lost"})] == [
        "city office", "for lost cards", "province channel"]
    assert calculators.service_points(None, {}) == ()
