"""Every path through the seeded procedures, each compared with a reviewed text snapshot.

The cases live in ``tests/snapshot_tools.py``. A missing or changed snapshot fails;
``UPDATE_SNAPSHOTS=1 .venv/bin/pytest tests/test_paths.py`` rewrites them (read the
diff before committing). ``test_cases_cover_seeded_content`` fails, naming the row,
when the seeded content gains a procedure, transition, material, fee, notice or
urgent option that no case reaches.
"""
from itertools import pairwise

import pytest

from procedures import questions
from procedures.models import Fee, Notice, Procedure, Requirement, Transition, UrgentOption, ValidityRule
from procedures.selectors import load_catalogue
from wizard.services import RegionLookup

from .snapshot_tools import CASES, SNAPSHOT_DIR, TODAY, UPDATE, check_snapshot, plan_for, render

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("case", [pytest.param(case, id=case.id) for case in CASES])
def test_path_matches_snapshot(case):
    answers, _plan, data = plan_for(case)
    message = check_snapshot(case.id, render(case.id, answers, data))
    if message:
        pytest.skip(message)


def test_no_snapshot_without_a_case():
    known = {f"{case.id}.txt" for case in CASES}
    orphans = sorted(p.name for p in SNAPSHOT_DIR.glob("*.txt") if p.name not in known)
    if UPDATE:
        for name in orphans:
            (SNAPSHOT_DIR / name).unlink()
        if orphans:
            pytest.skip(f"UPDATE_SNAPSHOTS=1: removed snapshots without a case: {', '.join(orphans)}")
    assert not orphans, f"Snapshots without a case (delete them or add the case): {', '.join(orphans)}"


# --- coverage of the seeded content -------------------------------------------------

def transitions_taken(plan, catalogue):
    """Return the planned transitions a plan's steps went through, as (slug, source, target).

    A run of steps from a sub-procedure stands, in the main procedure, for the
    state that calls it.
    """
    main = next(p for p in catalogue.main if p.slug == plan.procedure)
    main_states, sub_runs, previous = [], [], None
    for step in plan.steps:
        if step.procedure == main.slug:
            main_states.append(step.code)
        elif previous == step.procedure:
            sub_runs[-1][1].append(step.code)
        else:
            callers = [s.code for s in main.states if s.subprocedure == step.procedure]
            assert len(callers) == 1, f"{main.slug}: cannot tell which state calls {step.procedure}"
            main_states.append(callers[0])
            sub_runs.append((step.procedure, [step.code]))
        previous = step.procedure
    taken = {(main.slug, a, b) for a, b in pairwise(main_states)}
    for slug, codes in sub_runs:
        taken |= {(slug, a, b) for a, b in pairwise(codes)}
    return taken


# Rows of the seeded content that no answers can reach, each with the reason. The
# coverage test fails if one of them becomes reachable (remove it from here) or
# disappears from the content.
KNOWN_UNREACHABLE = {
    ("notice", "first-application-at-hukou-place", "holiday_calendar_incomplete"):
        "the procedure applies only to plans made before 2024-05-27; every date they lay (60 days at most) "
        "falls in 2024, whose holidays are seeded",
}


def test_cases_cover_seeded_content():
    catalogue = load_catalogue()
    by_slug = {p.slug: p for p in catalogue.main} | dict(catalogue.subs)
    published = Procedure.objects.filter(status=Procedure.Status.PUBLISHED)
    main_slugs = set(published.filter(kind=Procedure.Kind.MAIN).values_list("slug", flat=True))

    def rows(queryset, *fields):
        return set(queryset.filter(procedure__in=published).values_list("procedure__slug", *fields))

    universe = {
        "transition": rows(Transition.objects.filter(kind=Transition.Kind.PLANNED),
                           "source_state__code", "target_state__code"),
        "requirement": rows(Requirement.objects, "code"),
        "notice": rows(Notice.objects, "code"),
        "urgent option": rows(UrgentOption.objects, "code"),
        # A fee no longer in force on TODAY cannot be reached by any plan made today.
        "fee": {(slug, code) for slug, code, valid_to in
                Fee.objects.filter(procedure__in=published).values_list("procedure__slug", "code", "valid_to")
                if valid_to is None or valid_to >= TODAY},
        "validity": {("*", years) for years in
                     ValidityRule.objects.filter(procedure__in=published).values_list("years", flat=True)},
    }
    covered = {kind: set() for kind in universe}
    used = set()
    for case in CASES:
        _answers, plan, data = plan_for(case)
        used.add(plan.procedure)
        facts = plan.facts
        visited = [by_slug[plan.procedure]] + [by_slug[s] for s in dict.fromkeys(
            step.procedure for step in plan.steps) if s != plan.procedure]
        shown = {
            "requirement": {d["code"] for d in data["documents"]},
            "notice": {m["code"] for m in data["warnings"] + data["notices"]},
            "urgent option": {m["code"] for m in data["urgent_options"]},
        }
        for procedure in visited:
            for kind, items in (("requirement", procedure.requirements), ("notice", procedure.notices),
                                ("urgent option", procedure.urgent_options)):
                covered[kind] |= {(procedure.slug, item.code) for item in items
                                  if item.code in shown[kind] and item.test(facts)}
        covered["transition"] |= transitions_taken(plan, catalogue)
        if plan.fee is not None:
            covered["fee"].add((plan.procedure, plan.fee.code))
        if plan.card_ready.date is not None:
            covered["validity"].add(("*", plan.new_card.validity_years))

    problems = [f"main procedure {slug} is never selected" for slug in sorted(main_slugs - used)]
    for kind in universe:
        for key in sorted(universe[kind] - covered[kind], key=str):
            if (kind, *key) not in KNOWN_UNREACHABLE:
                problems.append(f"{kind} {'/'.join(map(str, key))} is never reached")
    for (kind, *key), reason in KNOWN_UNREACHABLE.items():
        name = f"{kind} {'/'.join(key)}"
        if tuple(key) not in universe[kind]:
            problems.append(f"{name} is listed in KNOWN_UNREACHABLE but is no longer in the content")
        elif tuple(key) in covered[kind]:
            problems.append(f"{name} is listed in KNOWN_UNREACHABLE ({reason}) but a case reaches it now")
    assert not problems, (
        "No case in tests/snapshot_tools.py reaches these parts of the seeded content; "
        "add a case (and its snapshot):\n  " + "\n  ".join(problems))


# --- properties every plan must have -------------------------------------------------

CASES_BY_ID = {case.id: case for case in CASES}


def test_every_timeline_adds_up():
    """Dates never run backwards, the card is ready by the deadline, the receipt rule is consistent."""
    problems = []
    for case in CASES:
        _answers, plan, data = plan_for(case)
        if data["outcome"] == "not_applicable":
            continue
        steps = plan.steps
        if plan.apply_date < case.today:
            problems.append(f"{case.id}: apply date {plan.apply_date} is before today")
        for step in steps:
            if step.earliest > step.latest:
                problems.append(f"{case.id}: {step.code} earliest {step.earliest} after latest {step.latest}")
        for before, after in pairwise(steps):
            if after.latest < before.latest or after.earliest < before.earliest:
                problems.append(f"{case.id}: {after.code} can end before {before.code}")
        if plan.card_ready.date > plan.deadline.date:
            problems.append(f"{case.id}: card ready {plan.card_ready.date} after the deadline")
        if (plan.deadline.date - plan.apply_date).days != 60:
            problems.append(f"{case.id}: deadline is not apply date + 60 days (no remote area is seeded)")
        in_checklist = any(d["code"] == "photo_receipt" for d in data["documents"])
        if data["photo_receipt_required"] != in_checklist:
            problems.append(f"{case.id}: photo receipt required={data['photo_receipt_required']} "
                            f"but in checklist={in_checklist}")
    assert not problems, "\n".join(problems)


def test_applying_at_home_uses_the_local_promise():
    _answers, plan, data = plan_for(CASES_BY_ID["details-changed-beijing-to-henan-adult"])
    assert data["outcome"] == "apply_at_hukou_place"
    assert plan.card_ready.date.isoformat() == "2026-12-11"  # 12 working days after 2026-11-25


def test_no_mail_delivery_where_the_place_of_application_has_none():
    _answers, plan, data = plan_for(CASES_BY_ID["details-changed-henan-to-xining-adult-mail"])
    assert data["outcome"] == "apply_at_hukou_place"
    assert "mailed" not in [step.code for step in plan.steps]


def test_receipt_question_follows_the_place_of_application():
    case = CASES_BY_ID["details-changed-shenzhen-to-henan-minor"]
    answers, _plan, data = plan_for(case)
    assert data["photo_receipt_required"]
    assert "has_photo_receipt" in questions.relevant_keys(answers, RegionLookup())
