"""The engine: walking a compiled procedure, the timeline, fees, validity, texts and facts."""
import datetime
from collections import Counter
from types import MappingProxyType

import pytest

from procedures import engine, selectors
from procedures.calendar import WorkingCalendar
from procedures.engine import EngineError, NoProcedure
from procedures.models import Fee, Procedure, State, TimeLimit, Transition

from .conftest import AWAY, HOME, TODAY, catalogue_of, chain, region
from .factories import (
    FeeFactory,
    ProcedureFactory,
    RequirementFactory,
    StateFactory,
    TimeLimitFactory,
    TransitionFactory,
    ValidityRuleFactory,
)

D = datetime.date
ADULT = {"birth_date": D(1990, 5, 1)}
MAIL = {"fact": "delivery", "op": "eq", "value": "mail"}

# 27 Nov 2026 (a Friday) and 1 Dec 2026 (a Tuesday) are holidays; Saturday 28 Nov is worked.
HOLIDAY_CALENDAR = WorkingCalendar(
    holidays=frozenset({D(2026, 11, 27), D(2026, 12, 1)}),
    workdays=frozenset({D(2026, 11, 28)}),
    complete_years=frozenset({2026}),
)


def path_codes(path):
    return [state.code for _procedure, state in path]


def walk_one(procedure, facts=None):
    catalogue = catalogue_of(procedure)
    compiled = engine.compile_procedure(procedure)
    return path_codes(engine.walk(compiled, facts or {}, catalogue))


def plan_for(procedure, answers=None, *, today=TODAY, hukou=HOME, residence=AWAY,
             calendar=HOLIDAY_CALENDAR, catalogue=None):
    return engine.make_plan(
        catalogue or catalogue_of(procedure), {**ADULT, **(answers or {})},
        today=today, hukou=hukou, residence=residence, calendar=calendar)


# --- walking the graph ---------------------------------------------------------------

def test_linear_path_in_order(linear_procedure):
    assert walk_one(linear_procedure) == ["apply", "review", "ready", "collected"]


@pytest.mark.parametrize("facts, expected", [
    pytest.param({"delivery": "mail"}, ["start", "mail", "done"], id="mail"),
    pytest.param({"delivery": "collect"}, ["start", "counter", "done"], id="collect"),
    pytest.param({}, ["start", "counter", "done"], id="not-asked"),
])
def test_branching_follows_the_condition(branching_procedure, facts, expected):
    assert walk_one(branching_procedure, facts) == expected


@pytest.mark.django_db
@pytest.mark.parametrize("left_priority, right_priority, expected", [
    pytest.param(10, 20, "left", id="left-first"),
    pytest.param(20, 10, "right", id="swapped"),
])
def test_lower_priority_number_wins_when_both_hold(left_priority, right_priority, expected):
    procedure = ProcedureFactory()
    start = StateFactory(procedure=procedure, code="start", is_initial=True, order=0)
    left = StateFactory(procedure=procedure, code="left", order=10)
    right = StateFactory(procedure=procedure, code="right", order=20)
    end = StateFactory(procedure=procedure, code="end", is_terminal=True, order=30)
    # Created left first, so with "swapped" only the priority (not the pk) can put right first.
    TransitionFactory(source_state=start, target_state=left, priority=left_priority)
    TransitionFactory(source_state=start, target_state=right, priority=right_priority)
    TransitionFactory(source_state=left, target_state=end)
    TransitionFactory(source_state=right, target_state=end)
    assert walk_one(procedure) == ["start", expected, "end"]


@pytest.mark.django_db
def test_exception_transitions_are_never_planned():
    procedure = ProcedureFactory()
    start, normal, end = chain(procedure, "start", "normal", "end")
    withdrawn = StateFactory(procedure=procedure, code="withdrawn", is_terminal=True, order=99)
    TransitionFactory(source_state=start, target_state=withdrawn, priority=1, kind="exception")
    assert walk_one(procedure) == ["start", "normal", "end"]


@pytest.mark.django_db
def test_only_an_exception_way_out_is_a_dead_end():
    procedure = ProcedureFactory()
    start = StateFactory(procedure=procedure, code="start", is_initial=True)
    end = StateFactory(procedure=procedure, code="end", is_terminal=True)
    TransitionFactory(source_state=start, target_state=end, kind="exception")
    with pytest.raises(EngineError, match="start 处没有可走的流转"):
        walk_one(procedure)


@pytest.fixture
def sub_procedure(db):
    sub = ProcedureFactory(slug="photo", kind=Procedure.Kind.SUB)
    chain(sub, "take_photo", "photo_done")
    RequirementFactory(procedure=sub, code="photo_receipt")
    return sub


@pytest.fixture
def calling_procedure(sub_procedure):
    main = ProcedureFactory(slug="main")
    chain(main, "prepare", "photo", "apply", photo={"subprocedure": sub_procedure},
          apply={"milestone": "card_ready"})
    RequirementFactory(procedure=main, code="application_form")
    FeeFactory(procedure=main)
    return main


def test_subprocedure_is_expanded_in_place(calling_procedure, sub_procedure):
    catalogue = catalogue_of(calling_procedure, sub_procedure)
    path = engine.walk(catalogue.select({}), {}, catalogue)
    assert [(owner.slug, state.code) for owner, state in path] == [
        ("main", "prepare"), ("photo", "take_photo"), ("photo", "photo_done"), ("main", "apply")]


def test_plan_collects_documents_and_steps_from_the_subprocedure(calling_procedure, sub_procedure):
    plan = plan_for(calling_procedure, catalogue=catalogue_of(calling_procedure, sub_procedure))
    assert [d.code for d in plan.documents] == ["application_form", "photo_receipt"]
    assert [(s.procedure, s.code) for s in plan.steps] == [
        ("main", "prepare"), ("photo", "take_photo"), ("photo", "photo_done"), ("main", "apply")]


def test_unpublished_subprocedure_is_an_engine_error(calling_procedure):
    catalogue = catalogue_of(calling_procedure)  # the sub-procedure is not in the catalogue
    with pytest.raises(EngineError, match="找不到已发布的子流程 photo"):
        engine.walk(catalogue.select({}), {}, catalogue)


def test_subprocedure_calling_itself_is_an_engine_error(calling_procedure, sub_procedure):
    State.objects.filter(procedure=sub_procedure, code="take_photo").update(subprocedure=sub_procedure)
    catalogue = catalogue_of(calling_procedure, sub_procedure)
    with pytest.raises(EngineError, match="子流程循环调用：photo"):
        engine.walk(catalogue.select({}), {}, catalogue)


@pytest.mark.django_db
def test_planned_cycle_is_an_engine_error():
    procedure = ProcedureFactory()
    a = StateFactory(procedure=procedure, code="a", is_initial=True, order=0)
    b = StateFactory(procedure=procedure, code="b", order=10)
    end = StateFactory(procedure=procedure, code="end", is_terminal=True, order=20)
    TransitionFactory(source_state=a, target_state=b)
    TransitionFactory(source_state=b, target_state=a, priority=10)
    TransitionFactory(source_state=b, target_state=end, priority=20)
    with pytest.raises(EngineError, match="环节 a 处形成循环"):
        walk_one(procedure)


@pytest.mark.django_db
def test_no_applicable_transition_is_an_engine_error():
    procedure = ProcedureFactory()
    start = StateFactory(procedure=procedure, code="start", is_initial=True)
    end = StateFactory(procedure=procedure, code="end", is_terminal=True)
    TransitionFactory(source_state=start, target_state=end, condition=MAIL)
    assert walk_one(procedure, {"delivery": "mail"}) == ["start", "end"]
    with pytest.raises(EngineError, match="环节 start 处没有可走的流转"):
        walk_one(procedure, {"delivery": "collect"})


@pytest.mark.django_db
@pytest.mark.parametrize("facts, expected", [
    pytest.param({"reason": "lost", "cross_region": True}, "specific", id="both-apply-lower-number-wins"),
    pytest.param({"reason": "lost", "cross_region": False}, "general", id="specific-does-not-apply"),
])
def test_procedure_selection_by_priority_and_condition(facts, expected):
    specific = ProcedureFactory(slug="specific", priority=10, applies_when={
        "fact": "cross_region", "op": "eq", "value": True})
    general = ProcedureFactory(slug="general", priority=20, applies_when={
        "fact": "reason", "op": "eq", "value": "lost"})
    assert catalogue_of(general, specific).select(facts).slug == expected


@pytest.mark.django_db
def test_no_procedure_applies():
    only = ProcedureFactory(applies_when={"fact": "reason", "op": "eq", "value": "lost"})
    with pytest.raises(NoProcedure):
        catalogue_of(only).select({"reason": "expired"})


# --- cost ------------------------------------------------------------------------------

def cstate(index, count):
    return engine.CState(
        code=f"s{index}", name=f"s{index}", description="", actor="applicant", location="",
        order=index, is_initial=index == 0, is_terminal=index == count - 1, milestone="",
        duration_min=0, duration_max=0, duration_unit="calendar_days", subprocedure=None,
        provenance=engine.Provenance())


def compiled_graph(states, outgoing):
    return engine.CompiledProcedure(
        pk=0, slug="generated", version=1, name="generated", summary="", kind="main",
        outcome="apply_here", priority=100, applies_when={}, applies=lambda facts: True,
        states=tuple(states), states_by_code=MappingProxyType({s.code: s for s in states}),
        outgoing=MappingProxyType(outgoing),
        planned=MappingProxyType({code: tuple(t for t in items if t.kind == "planned")
                                  for code, items in outgoing.items()}),
        requirements=(), fees=(), notices=(), urgent_options=(),
        validity_rules=(), time_limits=(), provenance=engine.Provenance())


def test_walk_tests_each_transition_at_most_once_on_a_large_graph():
    count, per_state = 1000, 5
    calls = Counter()

    def counting(key, result):
        def test(facts):
            calls[key] += 1
            return result
        return test

    def transition(i, priority):
        # Four false transitions back to the start (a loop if ever taken), then the true one.
        last = priority == per_state
        return engine.CTransition(
            source=f"s{i}", target=f"s{i + 1}" if last else "s0", label="", condition={},
            test=counting((i, priority), last), priority=priority, kind="planned",
            provenance=engine.Provenance())

    states = [cstate(i, count) for i in range(count)]
    # In priority order, as compile_procedure hands them to walk.
    outgoing = {f"s{i}": tuple(transition(i, p) for p in range(1, per_state + 1)) for i in range(count - 1)}
    transitions = sum(len(items) for items in outgoing.values())
    procedure = compiled_graph(states, outgoing)

    path = engine.walk(procedure, {}, engine.Catalogue(main=(procedure,), subs=MappingProxyType({})))

    assert len(path) == count
    assert path_codes(path) == [f"s{i}" for i in range(count)]
    assert sum(calls.values()) <= transitions
    assert max(calls.values()) == 1


@pytest.mark.django_db
def test_large_chain_from_rows_compiles_walks_and_is_cached(django_assert_max_num_queries):
    count = 1000
    procedure = ProcedureFactory(slug="long")
    states = State.objects.bulk_create(
        State(procedure=procedure, code=f"s{i}", name=f"s{i}", order=i, is_initial=i == 0,
              is_terminal=i == count - 1)
        for i in range(count))
    Transition.objects.bulk_create(
        Transition(procedure=procedure, source_state=a, target_state=b, label="next")
        for a, b in zip(states, states[1:], strict=False))
    procedure.refresh_from_db()

    # A fixed number of queries whatever the size: no query per state or transition.
    with django_assert_max_num_queries(10):
        first = selectors.compiled(procedure)
    path = engine.walk(first, {}, engine.Catalogue(main=(first,), subs=MappingProxyType({})))
    assert len(path) == count
    assert path[-1][1].code == f"s{count - 1}"

    with django_assert_max_num_queries(0):
        assert selectors.compiled(procedure) is first

    last = State.objects.get(procedure=procedure, code=f"s{count - 1}")
    last.name = "领取新证"
    last.save()  # the signal draws a new cache token
    procedure.refresh_from_db()
    second = selectors.compiled(procedure)
    assert second is not first
    assert second.states_by_code[f"s{count - 1}"].name == "领取新证"


# --- timeline --------------------------------------------------------------------------

def step_dates(plan):
    return {s.code: (s.earliest, s.latest) for s in plan.steps}


def test_stage_dates_count_calendar_and_working_days(linear_procedure):
    plan = plan_for(linear_procedure)
    assert step_dates(plan) == {
        "apply": (TODAY, TODAY),
        # review: 1–5 calendar days, holidays included.
        "review": (D(2026, 11, 26), D(2026, 11, 30)),
        # ready: 2–10 working days; 27 Nov and 1 Dec are holidays, Saturday 28 Nov is worked.
        "ready": (D(2026, 11, 30), D(2026, 12, 15)),
        "collected": (D(2026, 11, 30), D(2026, 12, 15)),
    }
    assert plan.card_ready.date == D(2026, 12, 15)
    assert plan.card_ready.basis == "stage_durations"
    ready = linear_procedure.state_set.get(code="ready")
    assert plan.card_ready.provenance == engine.Provenance(ready.source, ready.confidence, ready.last_checked)
    assert plan.deadline.date == D(2027, 1, 24)
    assert plan.calendar_incomplete is False


def test_holidays_move_the_dates(linear_procedure):
    plain = plan_for(linear_procedure, calendar=WorkingCalendar(complete_years=frozenset({2026})))
    assert step_dates(plain)["ready"] == (D(2026, 11, 30), D(2026, 12, 14))
    assert plan_for(linear_procedure).card_ready.date == D(2026, 12, 15)


def test_card_ready_by_comes_from_the_card_ready_milestone(linear_procedure):
    # The state after the milestone adds time; card_ready_by must not include it.
    State.objects.filter(procedure=linear_procedure, code="collected").update(
        duration_min=3, duration_max=3)
    plan = plan_for(linear_procedure)
    assert plan.card_ready.date == D(2026, 12, 15)
    assert step_dates(plan)["collected"] == (D(2026, 12, 3), D(2026, 12, 18))


def test_cross_region_promise_overrides_stage_durations(linear_procedure):
    residence = region("440300", "深圳", promise_cross_region=25)
    plan = plan_for(linear_procedure, residence=residence)
    # 25 days from 25 November is Sunday 20 December: the card is ready the next day the office opens.
    assert plan.card_ready.date == D(2026, 12, 21)
    assert plan.card_ready.basis == "local_promise"
    assert plan.card_ready.provenance == residence.rules["promise_cross_region"].provenance


def test_cross_region_promise_is_not_used_for_a_local_applicant(linear_procedure):
    here = region("440300", "深圳", promise_cross_region=25)
    plan = plan_for(linear_procedure, hukou=here, residence=here)
    assert plan.card_ready.date == D(2026, 12, 15)
    assert plan.card_ready.basis == "stage_durations"


def test_promise_longer_than_the_law_is_capped_at_the_statutory_deadline(linear_procedure):
    plan = plan_for(linear_procedure, residence=region("440300", "深圳", promise_cross_region=90))
    assert plan.deadline.date == TODAY + datetime.timedelta(days=60)
    # The deadline is Sunday 24 January 2027: the card is ready on the last open day before it.
    assert plan.card_ready.date == D(2027, 1, 22)
    assert plan.card_ready.basis == "statutory_deadline"
    assert plan.card_ready.provenance == plan.deadline.provenance


def test_stage_durations_longer_than_the_law_are_capped(linear_procedure):
    TimeLimit.objects.filter(procedure=linear_procedure).update(amount=5)
    plan = plan_for(linear_procedure)
    assert plan.deadline.date == D(2026, 11, 30)
    assert plan.card_ready.date == D(2026, 11, 30)
    assert plan.card_ready.basis == "statutory_deadline"
    earliest, latest = step_dates(plan)["ready"]
    assert earliest <= latest == D(2026, 11, 30)


@pytest.mark.parametrize("complete_years, incomplete", [
    pytest.param({2026}, True, id="2027-not-entered"),
    pytest.param({2026, 2027}, False, id="2027-entered"),
])
def test_calendar_incomplete_when_working_days_cross_into_an_unknown_year(
        linear_procedure, complete_years, incomplete):
    calendar = WorkingCalendar(complete_years=frozenset(complete_years))
    plan = plan_for(linear_procedure, today=D(2026, 12, 20), calendar=calendar)
    assert plan.card_ready.date.year == 2027
    assert plan.calendar_incomplete is incomplete
    assert plan.facts["calendar_incomplete"] is incomplete


def test_calendar_complete_within_a_known_year(linear_procedure):
    assert plan_for(linear_procedure).calendar_incomplete is False


def test_promise_in_working_days_into_an_unknown_year_marks_the_calendar_incomplete(linear_procedure):
    State.objects.filter(procedure=linear_procedure).update(duration_unit="calendar_days")
    rules = {"promise_cross_region": engine.RuleInfo(
        applies=True, days=12, unit="working_days", note="", region_code="110000",
        provenance=engine.Provenance())}
    beijing = engine.RegionInfo(code="110000", name="北京市", province_code="110000",
                                rules=MappingProxyType(rules))
    plan = plan_for(linear_procedure, today=D(2026, 12, 24), residence=beijing,
                    calendar=WorkingCalendar(complete_years=frozenset({2026})))
    assert plan.card_ready.basis == "local_promise"
    assert plan.card_ready.date.year == 2027
    assert plan.calendar_incomplete is True


def test_step_dates_never_go_backwards_when_a_promise_is_shorter(linear_procedure):
    plan = plan_for(linear_procedure, residence=region("440300", "深圳", promise_cross_region=3))
    assert plan.card_ready.date == D(2026, 11, 28)
    latest = [s.latest for s in plan.steps]
    assert latest == sorted(latest)


# --- fees ------------------------------------------------------------------------------

@pytest.fixture
def fee_procedure(db):
    procedure = ProcedureFactory(slug="fees")
    chain(procedure, "apply", "ready", ready={"milestone": "card_ready"})
    FeeFactory(procedure=procedure, code="waiver", amount_yuan=0, is_waiver=True, priority=10,
               condition={"fact": "hardship", "op": "eq", "value": True})
    FeeFactory(procedure=procedure, code="damaged", amount_yuan=40, priority=20,
               condition={"fact": "reason", "op": "eq", "value": "damaged"})
    FeeFactory(procedure=procedure, code="renewal", amount_yuan=20, priority=30)
    # Unconditional and first by priority, but only in force from tomorrow / until yesterday.
    FeeFactory(procedure=procedure, code="from_tomorrow", amount_yuan=25, priority=5,
               valid_from=TODAY + datetime.timedelta(days=1))
    FeeFactory(procedure=procedure, code="until_yesterday", amount_yuan=15, priority=1,
               valid_from=D(2004, 1, 1), valid_to=TODAY - datetime.timedelta(days=1))
    return procedure


@pytest.mark.parametrize("answers, today, code, amount", [
    pytest.param({"reason": "expired"}, TODAY, "renewal", 20, id="default"),
    pytest.param({"reason": "damaged"}, TODAY, "damaged", 40, id="damaged"),
    pytest.param({"reason": "damaged", "hardship": True}, TODAY, "waiver", 0, id="hardship-waiver"),
    pytest.param({"reason": "expired"}, TODAY + datetime.timedelta(days=1), "from_tomorrow", 25,
                 id="valid-from-tomorrow"),
    pytest.param({"reason": "expired"}, TODAY - datetime.timedelta(days=1), "until_yesterday", 15,
                 id="valid-to-yesterday"),
])
def test_first_fee_in_force_by_priority(fee_procedure, answers, today, code, amount):
    plan = plan_for(fee_procedure, answers, today=today)
    assert plan.fee.code == code
    assert plan.fee_yuan == amount
    assert plan.fee.waiver is (code == "waiver")


def test_fee_in_force_on_the_apply_date_not_today(fee_procedure):
    TimeLimitFactory(procedure=fee_procedure, kind="renewal_window", amount=3, unit="months")
    Fee.objects.filter(procedure=fee_procedure, code="from_tomorrow").update(valid_from=D(2027, 3, 1))
    plan = plan_for(fee_procedure, {"reason": "expiring", "card_expiry_date": D(2027, 6, 1)})
    assert plan.apply_date == D(2027, 3, 1)
    assert plan.fee.code == "from_tomorrow"


# --- validity --------------------------------------------------------------------------

@pytest.fixture
def validity_procedure(linear_procedure):
    linear_procedure.validityrule_set.all().delete()
    for min_age, max_age, years in ((0, 15, 5), (16, 25, 10), (26, 45, 20), (46, None, None)):
        ValidityRuleFactory(procedure=linear_procedure, min_age=min_age, max_age=max_age, years=years)
    return linear_procedure


READY = D(2026, 12, 15)  # card_ready_by of the linear procedure under HOLIDAY_CALENDAR


@pytest.mark.parametrize("birth_date, years, long_term, expiry", [
    pytest.param(D(2011, 6, 1), 5, False, D(2031, 11, 25), id="15-five-years"),
    pytest.param(D(2010, 6, 1), 10, False, D(2036, 11, 25), id="16-ten-years"),
    pytest.param(D(2010, 11, 25), 10, False, D(2036, 11, 25), id="turns-16-on-the-issue-day"),
    # Turning 16 after the card is issued but before it is ready changes nothing: age at issue counts.
    pytest.param(D(2010, 12, 10), 5, False, D(2031, 11, 25), id="turns-16-before-card-ready"),
    pytest.param(D(1980, 6, 1), None, True, None, id="46-long-term"),
])
def test_validity_by_age_on_the_issue_day(validity_procedure, birth_date, years, long_term, expiry):
    # The linear procedure has no separate sign-off stage: the card is issued where it is accepted (today).
    plan = plan_for(validity_procedure, {"birth_date": birth_date})
    assert plan.card_ready.date == READY
    assert plan.new_card.issued_on == TODAY
    assert plan.new_card.validity_years == years
    assert plan.new_card.long_term is long_term
    assert plan.new_card.expiry == expiry


def test_validity_follows_the_sign_off_stage_when_there_is_one(validity_procedure):
    # The issue's example: born 1981-01-02, applying on Monday 2026-12-14, 46 only on 2027-01-02.
    State.objects.filter(procedure=validity_procedure, code="review").update(milestone="issued")
    plan = plan_for(validity_procedure, {"birth_date": D(1981, 1, 2)}, today=D(2026, 12, 14))
    assert plan.new_card.issued_on == D(2026, 12, 19)  # review takes 1 to 5 days
    assert plan.card_ready.date.year == 2027  # collected after the 46th birthday, still 20 years
    assert (plan.new_card.validity_years, plan.new_card.long_term) == (20, False)
    assert plan.new_card.expiry == D(2046, 12, 19)


# --- texts -----------------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    pytest.param("{card_expiry_date}", "2027年6月1日", id="date"),
    pytest.param("到期日：{card_expiry_date}。", "到期日：2027年6月1日。", id="in-a-sentence"),
    pytest.param("{hardship}", "是", id="bool"),
    pytest.param("{residence.name}", "深圳市", id="dotted-name"),
    pytest.param("{no_such_fact}", "{no_such_fact}", id="unknown-stays"),
    pytest.param("{needed_by}", "{needed_by}", id="unset-stays"),
    pytest.param("{reason.__class__}", "{reason.__class__}", id="no-attribute-access"),
    pytest.param("{reason.__class__.__name__}", "{reason.__class__.__name__}", id="no-deep-access"),
    pytest.param("{reason[0]}", "{reason[0]}", id="no-indexing"),
])
def test_render_text(text, expected):
    facts = {"card_expiry_date": D(2027, 6, 1), "hardship": True, "reason": "lost",
             "residence.name": "深圳市", "needed_by": None}
    assert engine.render_text(text, facts) == expected


# --- facts -----------------------------------------------------------------------------

@pytest.mark.parametrize("birth_date, age", [
    pytest.param(D(2010, 11, 26), 15, id="birthday-eve"),
    pytest.param(D(2010, 11, 25), 16, id="birthday"),
    pytest.param(D(2008, 2, 29), 18, id="leap-day-birth"),
])
def test_age(birth_date, age):
    facts = engine.derive_facts({"birth_date": birth_date}, today=TODAY, hukou=HOME, residence=AWAY)
    assert facts["age"] == age


@pytest.mark.parametrize("hukou, residence, cross_region, same_province", [
    pytest.param(HOME, AWAY, True, False, id="other-province"),
    pytest.param(region("440100", "广州"), AWAY, True, True, id="same-province-other-city"),
    pytest.param(AWAY, AWAY, False, True, id="same-city"),
])
def test_cross_region_and_same_province(hukou, residence, cross_region, same_province):
    facts = engine.derive_facts({}, today=TODAY, hukou=hukou, residence=residence)
    assert facts["cross_region"] is cross_region
    assert facts["same_province"] is same_province
    assert facts["age"] is None


def test_days_to_expiry_and_region_rules():
    facts = engine.derive_facts(
        {"card_expiry_date": D(2026, 12, 25)}, today=TODAY, hukou=HOME,
        residence=region("440300", "深圳", photo_receipt=180))
    assert facts["days_to_expiry"] == 30
    assert facts["residence.photo_receipt_required"] is True
    assert facts["residence.photo_receipt_validity_days"] == 180
    assert facts["hukou.photo_receipt_required"] is False
    assert facts["residence.province"] == "440000"


# --- compile refuses what it cannot run ----------------------------------------------------------

@pytest.mark.parametrize("model, filters", [
    pytest.param(Fee, {}, id="fee"),
    pytest.param(Transition, {"source_state__code": "apply"}, id="transition"),
    pytest.param(TimeLimit, {}, id="time-limit"),
])
def test_compile_refuses_a_condition_saved_around_the_validators(linear_procedure, model, filters):
    # update() skips the field validators, as an old version can after a fact was removed.
    model.objects.filter(procedure=linear_procedure, **filters).update(
        condition={"fact": "no_such_fact", "op": "eq", "value": True})
    with pytest.raises(engine.InvalidContent) as refused:
        engine.compile_procedure(linear_procedure)
    assert refused.value.check_id == "procedures.E005"
    assert "no_such_fact" in str(refused.value) and linear_procedure.slug in str(refused.value)
