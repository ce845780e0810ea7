"""Graph checks: each stable id on a crafted bad graph, the seeded content, the command and the system check."""
from io import StringIO

import pytest
from django.core import checks
from django.core.exceptions import ValidationError
from django.core.management import call_command

from procedures.models import Fee, Notice, Procedure, State, TimeLimit, Transition, UrgentOption, ValidityRule
from procedures.validation import CHECK_IDS, check_procedure, check_procedures

from .conftest import TODAY, chain
from .factories import (
    FeeFactory,
    ProcedureFactory,
    StateFactory,
    TimeLimitFactory,
    TransitionFactory,
    ValidityRuleFactory,
)

MAIL = {"fact": "delivery", "op": "eq", "value": "mail"}


def ids(messages):
    return {message.id.removeprefix("procedures.") for message in messages}


@pytest.fixture
def clean_procedure(db):
    """start → review → ready (card_ready) → done; fee, validity for all ages and a deadline."""
    procedure = ProcedureFactory(slug="clean")
    chain(procedure, "start", "review", "ready", "done", ready={"milestone": "card_ready"})
    FeeFactory(procedure=procedure)
    ValidityRuleFactory(procedure=procedure, min_age=0, max_age=15, years=5)
    ValidityRuleFactory(procedure=procedure, min_age=16, max_age=None, years=10)
    TimeLimitFactory(procedure=procedure)
    return procedure


def state(procedure, code):
    return State.objects.get(procedure=procedure, code=code)


def edge(procedure, source, target):
    return Transition.objects.get(procedure=procedure, source_state__code=source, target_state__code=target)


# Each breaker damages the clean procedure and returns the row the message must point at.

def no_initial(p):
    State.objects.filter(procedure=p).update(is_initial=False)
    return p


def two_initial(p):
    State.objects.filter(procedure=p, code="review").update(is_initial=True)
    return p


def unreachable(p):
    orphan = StateFactory(procedure=p, code="orphan", order=50)
    TransitionFactory(source_state=orphan, target_state=state(p, "done"))
    return orphan


def dead_end(p):
    stuck = StateFactory(procedure=p, code="stuck", order=50)
    TransitionFactory(source_state=state(p, "start"), target_state=stuck, priority=200, condition=MAIL)
    return stuck


def cycle_without_exit(p):
    loop_a = StateFactory(procedure=p, code="loop_a", order=50)
    loop_b = StateFactory(procedure=p, code="loop_b", order=60)
    TransitionFactory(source_state=state(p, "start"), target_state=loop_a, priority=200, condition=MAIL)
    TransitionFactory(source_state=loop_a, target_state=loop_b)
    TransitionFactory(source_state=loop_b, target_state=loop_a)
    return loop_a


def unknown_fact(p):
    transition = edge(p, "start", "review")
    # update() bypasses the field validation that would refuse this on save.
    Transition.objects.filter(pk=transition.pk).update(condition={"fact": "shoe_size", "op": "is_set"})
    return transition


def timeline_fact_on_transition(p):
    transition = edge(p, "review", "ready")
    Transition.objects.filter(pk=transition.pk).update(condition={"fact": "card_ready_by", "op": "is_set"})
    return transition


def window_fact_in_applies_when(p):
    Procedure.objects.filter(pk=p.pk).update(applies_when={"fact": "apply_date", "op": "is_set"})
    return p


def malformed_fee_condition(p):
    fee = Fee.objects.get(procedure=p)
    Fee.objects.filter(pk=fee.pk).update(condition={"fact": "reason", "op": "eq", "value": "stolen"})
    return fee


def terminal_with_way_out(p):
    after = StateFactory(procedure=p, code="after", is_terminal=True, order=50)
    TransitionFactory(source_state=state(p, "done"), target_state=after)
    return state(p, "done")


def main_as_subprocedure(p):
    other = ProcedureFactory(slug="other-main", kind=Procedure.Kind.MAIN)
    review = state(p, "review")
    review.subprocedure = other
    review.save()
    return review


def unpublished_subprocedure(p):
    sub = ProcedureFactory(
        slug="draft-sub", kind=Procedure.Kind.SUB, status=Procedure.Status.DRAFT, effective_from=None)
    chain(sub, "sub_start", "sub_end")
    review = state(p, "review")
    review.subprocedure = sub
    review.save()
    return review


def nested_subprocedure(p):
    inner = ProcedureFactory(slug="inner", kind=Procedure.Kind.SUB)
    chain(inner, "inner_start", "inner_end")
    outer = ProcedureFactory(slug="outer", kind=Procedure.Kind.SUB)
    chain(outer, "outer_start", "outer_end", outer_start={"subprocedure": inner})
    review = state(p, "review")
    review.subprocedure = outer
    review.save()
    return review


def only_conditional_transitions(p):
    Transition.objects.filter(pk=edge(p, "start", "review").pk).update(condition=MAIL)
    return state(p, "start")


def only_exception_transitions(p):
    Transition.objects.filter(pk=edge(p, "start", "review").pk).update(kind="exception")
    return state(p, "start")


def no_unconditional_fee(p):
    Fee.objects.filter(procedure=p).update(condition={"fact": "hardship", "op": "eq", "value": True})
    return p


def fee_expired(p):
    Fee.objects.filter(procedure=p).update(valid_to=TODAY.replace(year=TODAY.year - 1))
    return p


def validity_gap(p):
    ValidityRule.objects.filter(procedure=p, min_age=16).update(max_age=45)
    return p


def no_deadline(p):
    TimeLimit.objects.filter(procedure=p).delete()
    return p


def planned_cycle(p):
    TransitionFactory(source_state=state(p, "review"), target_state=state(p, "start"), priority=10,
                      condition=MAIL)
    return p


def no_card_ready(p):
    State.objects.filter(procedure=p).update(milestone="")
    return p


def urgent_waits_for_a_missing_step(p):
    return UrgentOption.objects.create(procedure=p, code="temporary_card", title="临时居民身份证",
                                       text="签发后约 3 日内制发。", ready_after="issued", ready_within_days=3)


BREAKERS = [
    pytest.param(no_initial, "E001", id="E001-no-initial"),
    pytest.param(two_initial, "E001", id="E001-two-initial"),
    pytest.param(unreachable, "E002", id="E002-unreachable"),
    pytest.param(dead_end, "E003", id="E003-dead-end"),
    pytest.param(cycle_without_exit, "E004", id="E004-cycle-without-exit"),
    pytest.param(unknown_fact, "E005", id="E005-unknown-fact"),
    pytest.param(timeline_fact_on_transition, "E005", id="E005-timeline-fact-on-transition"),
    pytest.param(window_fact_in_applies_when, "E005", id="E005-window-fact-in-applies-when"),
    pytest.param(malformed_fee_condition, "E005", id="E005-bad-choice-on-fee"),
    pytest.param(terminal_with_way_out, "E006", id="E006-terminal-with-way-out"),
    pytest.param(main_as_subprocedure, "E007", id="E007-main-as-subprocedure"),
    pytest.param(unpublished_subprocedure, "E007", id="E007-unpublished-subprocedure"),
    pytest.param(nested_subprocedure, "E007", id="E007-nested-subprocedure"),
    pytest.param(only_conditional_transitions, "W001", id="W001-only-conditional"),
    pytest.param(only_exception_transitions, "W001", id="W001-only-exception"),
    pytest.param(no_unconditional_fee, "W002", id="W002-no-unconditional-fee"),
    pytest.param(fee_expired, "W002", id="W002-fee-no-longer-in-force"),
    pytest.param(validity_gap, "W003", id="W003-validity-gap"),
    pytest.param(no_deadline, "W004", id="W004-no-deadline"),
    pytest.param(planned_cycle, "W005", id="W005-planned-cycle"),
    pytest.param(no_card_ready, "W006", id="W006-no-card-ready"),
    pytest.param(urgent_waits_for_a_missing_step, "W007", id="W007-urgent-waits-for-a-missing-step"),
]


def test_clean_procedure_has_no_messages(clean_procedure):
    assert check_procedure(clean_procedure, today=TODAY) == []


def test_every_check_id_has_a_bad_graph():
    assert {param.values[1] for param in BREAKERS} == set(CHECK_IDS)


@pytest.mark.parametrize("breaker, check_id", BREAKERS)
def test_check_fires_on_bad_graph(clean_procedure, breaker, check_id):
    assert check_id not in ids(check_procedure(clean_procedure, today=TODAY))
    offending = breaker(clean_procedure)
    clean_procedure.refresh_from_db()

    found = check_procedure(clean_procedure, today=TODAY)

    assert check_id in ids(found)
    matching = [m for m in found if m.id == f"procedures.{check_id}"]
    assert any(m.obj == offending and type(m.obj) is type(offending) for m in matching), [
        (m.obj, m.msg) for m in matching]
    level = checks.ERROR if check_id.startswith("E") else checks.WARNING
    assert all(m.level == level for m in matching)


def test_unknown_fact_message_names_the_fact(clean_procedure):
    unknown_fact(clean_procedure)
    [message] = [m for m in check_procedure(clean_procedure, today=TODAY) if m.id == "procedures.E005"]
    assert "shoe_size" in message.msg


def test_cycle_without_exit_flags_every_state_on_the_cycle(clean_procedure):
    cycle_without_exit(clean_procedure)
    flagged = {m.obj.code for m in check_procedure(clean_procedure, today=TODAY) if m.id == "procedures.E004"}
    assert flagged == {"loop_a", "loop_b"}


def test_subprocedure_kind_is_not_checked_for_fees_or_deadlines(db):
    sub = ProcedureFactory(kind=Procedure.Kind.SUB)
    chain(sub, "take_photo", "photo_done")
    assert check_procedure(sub, today=TODAY) == []


# --- seeded content ------------------------------------------------------------------------

@pytest.mark.django_db
def test_seeded_procedures_have_no_errors_and_no_warnings():
    assert Procedure.objects.filter(status=Procedure.Status.PUBLISHED).count() == 10
    assert check_procedures(today=TODAY) == []


def break_seeded():
    """Leave cross-region-renewal's "produce" stage without a way out."""
    procedure = Procedure.objects.get(slug="cross-region-renewal", status=Procedure.Status.PUBLISHED)
    produce = State.objects.get(procedure=procedure, code="produce")
    deleted, _ = Transition.objects.filter(source_state=produce).delete()
    assert deleted
    return produce


# --- the management command --------------------------------------------------------------

def run_command(*args):
    out, err = StringIO(), StringIO()
    call_command("validate_procedures", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.mark.django_db
def test_command_passes_on_seeded_data():
    out, err = run_command()
    assert "10 procedures checked: 0 errors, 0 warnings." in out
    assert err == ""


@pytest.mark.django_db
def test_command_exits_1_and_prints_the_id_on_stderr():
    break_seeded()
    out, err = StringIO(), StringIO()
    with pytest.raises(SystemExit) as exit_info:
        call_command("validate_procedures", stdout=out, stderr=err)
    assert exit_info.value.code == 1
    assert "procedures.E003" in err.getvalue()
    assert "produce" in err.getvalue()
    assert "procedures.E003" not in out.getvalue()
    assert "errors" in out.getvalue() and "0 errors" not in out.getvalue()


@pytest.mark.django_db
def test_command_published_option_skips_broken_drafts():
    draft = ProcedureFactory(slug="draft", status=Procedure.Status.DRAFT, effective_from=None)
    StateFactory(procedure=draft, code="lonely")  # no initial state, no way out
    out, _err = run_command("--published")
    assert "0 errors" in out
    with pytest.raises(SystemExit) as exit_info:
        run_command()
    assert exit_info.value.code == 1


# --- the system check ---------------------------------------------------------------------

def procedure_messages(messages):
    return [m for m in messages if m.id and m.id.startswith("procedures.")]


@pytest.mark.django_db
def test_system_check_is_clean_for_seeded_data():
    assert procedure_messages(checks.run_checks()) == []


@pytest.mark.django_db
def test_system_check_reports_a_broken_published_procedure():
    produce = break_seeded()
    found = procedure_messages(checks.run_checks())
    assert "procedures.E003" in {m.id for m in found}
    assert any(m.id == "procedures.E003" and m.obj == produce for m in found)


@pytest.mark.django_db
def test_system_check_ignores_unpublished_versions():
    draft = ProcedureFactory(slug="draft", status=Procedure.Status.DRAFT, effective_from=None)
    StateFactory(procedure=draft, code="lonely")
    assert procedure_messages(checks.run_checks()) == []


# --- condition validation when saving ----------------------------------------------------

@pytest.mark.parametrize("condition, fragment", [
    pytest.param({"fact": "shoe_size", "op": "is_set"}, "shoe_size", id="unknown-fact"),
    pytest.param({"fact": "card_ready_by", "op": "is_set"}, "card_ready_by", id="timeline-fact-too-early"),
])
def test_transition_full_clean_refuses_a_bad_condition(clean_procedure, condition, fragment):
    transition = Transition(
        procedure=clean_procedure, source_state=state(clean_procedure, "start"),
        target_state=state(clean_procedure, "done"), label="捷径", condition=condition)
    with pytest.raises(ValidationError) as error:
        transition.full_clean()
    assert list(error.value.message_dict) == ["condition"]
    assert fragment in " ".join(error.value.message_dict["condition"])


def test_notice_may_name_a_timeline_fact(clean_procedure):
    notice = Notice(procedure=clean_procedure, code="late", title="来不及", text="…",
                    condition={"fact": "card_ready_by", "op": "is_set"})
    notice.full_clean()


def test_transition_full_clean_accepts_a_known_fact(clean_procedure):
    Transition(
        procedure=clean_procedure, source_state=state(clean_procedure, "start"),
        target_state=state(clean_procedure, "done"), label="邮寄", condition=MAIL).full_clean()


def test_days_without_the_step_they_count_from_are_refused(clean_procedure):
    option = UrgentOption(procedure=clean_procedure, code="temporary_card", title="临时居民身份证", text="…",
                          ready_within_days=3)
    with pytest.raises(ValidationError) as refused:
        option.full_clean()
    assert "ready_after" in refused.value.message_dict
