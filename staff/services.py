"""Writes on the counter's side: open an application, move it along its state machine."""
import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from procedures import engine, questions
from procedures.selectors import compiled, place_code
from procedures.vocabulary import HANDOVER_MILESTONES, Milestone, TransitionKind
from wizard.models import Plan
from wizard.services import RegionLookup, plan_create

from . import selectors
from .models import Application, ApplicationEvent


class MoveRefused(Exception):
    """A move is not allowed now; the message says why, for the member of staff."""


class StaleApplication(MoveRefused):
    """Someone else moved the application first."""


def _shift(day, days):
    return day + datetime.timedelta(days=days) if day else None


def procedure_of(application):
    """Return the compiled procedure version the application follows."""
    return compiled(application.procedure)


def plan_facts(plan):
    """Return the facts the plan was computed from, for transition conditions (None: regions gone)."""
    answers = questions.from_json(plan.answers)
    regions = RegionLookup(plan.computed_for)
    hukou = regions(answers.get("hukou_region"))
    residence = regions(answers.get("residence_region") or answers.get("hukou_region"))
    if hukou is None or residence is None:
        return None
    return engine.derive_facts(answers, today=plan.computed_for, hukou=hukou, residence=residence)


def allowed_moves(application):
    """Return the transitions the application may take from its current state.

    A planned transition whose condition does not hold for the applicant's answers
    (mail delivery for someone who chose to collect, say) is left out; exceptions
    (withdrawal, refusal) are always offered.
    """
    if application.is_closed:
        return ()
    outgoing = procedure_of(application).outgoing.get(application.state_code, ())
    facts = plan_facts(application.plan)
    if facts is None:
        return outgoing
    return tuple(t for t in outgoing if t.kind != TransitionKind.PLANNED or t.test(facts))


def open_application(*, plan, office, user, applicant_name="", applicant_phone="", today=None):
    """Open an application for a plan accepted at the counter today.

    The application starts at the procedure's "accepted" state. Its due dates are
    the plan's, moved by the days between the plan's apply date and today.
    """
    today = today or timezone.localdate()
    computed = plan.computed
    if not computed.applies_here:
        raise MoveRefused(_("这份计划的结论不是在本地办理，不能受理。"))
    if Application.objects.filter(plan=plan).exists():
        raise MoveRefused(_("这份计划已经受理过了。"))
    procedure = compiled(plan.procedure)
    accepted = next((s for s in procedure.states if s.milestone == Milestone.ACCEPTED), None)
    if accepted is None:
        raise MoveRefused(_("流程 %(slug)s 没有“受理”环节。") % {"slug": procedure.slug})
    offset = (today - computed.apply_date).days
    try:
        with transaction.atomic():
            application = Application.objects.create(
                plan=plan, office=office, procedure=plan.procedure, state_code=accepted.code,
                state_name=accepted.name, accepted_on=today,
                card_ready_due=_shift(computed.card_ready.date, offset),
                statutory_due=_shift(computed.deadline.date, offset),
                applicant_name=applicant_name.strip(), applicant_phone=applicant_phone.strip(), opened_by=user,
            )
            ApplicationEvent.objects.create(
                application=application, from_state="", to_state=accepted.code, label=_("受理"), actor=user)
    except IntegrityError:  # another clerk, or a double click, accepted the same plan a moment ago
        raise MoveRefused(_("这份计划已经受理过了。")) from None
    return application


def move_application(*, application, target, expected_revision, user, note="", today=None):
    """Move an application to ``target`` if that transition is allowed and nobody moved it first.

    Exactly one of two concurrent moves wins: the update only applies to the
    revision the member of staff was looking at.
    """
    today = today or timezone.localdate()
    note = note.strip()
    stale = StaleApplication(_("这份申请刚被其他人更新过，请刷新后再操作。"))
    if expected_revision != application.revision:
        raise stale
    moves = [t for t in allowed_moves(application) if t.target == target]
    if not moves:
        raise MoveRefused(_("当前环节“%(state)s”不能这样流转。") % {"state": application.state_name})
    move = moves[0]
    if move.kind == TransitionKind.EXCEPTION and not note:
        raise MoveRefused(_("“%(label)s”须写明原因。") % {"label": move.label})
    state = procedure_of(application).states_by_code[target]
    fields = {
        "state_code": state.code, "state_name": state.name, "is_closed": state.is_terminal,
        "revision": expected_revision + 1, "updated_at": timezone.now(),
    }
    if state.milestone in HANDOVER_MILESTONES:
        fields["collected_on"] = today
    if state.is_terminal:
        fields["closed_on"] = today
    with transaction.atomic():
        updated = Application.objects.filter(
            pk=application.pk, revision=expected_revision, state_code=move.source, is_closed=False,
        ).update(**fields)
        if not updated:
            raise stale
        ApplicationEvent.objects.create(
            application_id=application.pk, from_state=move.source, to_state=state.code, label=move.label,
            note=note, actor=user)
        selectors.forget_status_for_applicant(application.plan_id)
        selectors.forget_overdue_count(application.office_id)
    application.refresh_from_db()
    return application


def closes(application, target):
    """Return True if moving the application to ``target`` would end it (a terminal state of its procedure)."""
    state = procedure_of(application).states_by_code.get(target)
    return state is not None and state.is_terminal


def move_applications(*, office, picks, target, user, note="", today=None):
    """Move each picked application of an office to ``target``; return (moved, refused).

    ``picks`` are (reference code, revision the member of staff saw) pairs. Each move goes
    through ``move_application``, in its own transaction with its own history entry, so a
    refused one (another clerk was first, the state does not allow it, a reason is missing)
    leaves the others done. ``refused`` holds (code, application or None, MoveRefused).
    """
    found = {application.plan.code: application for application in
             selectors.applications_by_code(office, [code for code, _revision in picks])}
    moved, refused = [], []
    for code, revision in picks:
        application = found.get(code)
        if application is None:
            refused.append((code, None, MoveRefused(_("本受理点没有这份申请。"))))
            continue
        try:
            moved.append(move_application(application=application, target=target, expected_revision=revision,
                                          user=user, note=note, today=today))
        except MoveRefused as refusal:
            refused.append((code, application, refusal))
    return moved, refused


def record_phone_view(*, application, user):
    """Record in the application's history that ``user`` saw its full phone number; return the number.

    The history keeps who looked and when, as it keeps every move; the state stays as it is.
    """
    if not application.applicant_phone:
        raise MoveRefused(_("这份申请没有登记电话号码。"))
    ApplicationEvent.objects.create(
        application_id=application.pk, from_state=application.state_code, to_state=application.state_code,
        label=_("查看完整电话"), actor=user)
    return application.applicant_phone


def answers_for_today(plan, office, today):
    """Return the plan's answers cleaned again for ``today``, with the office's city as the place of residence.

    The residence answer moves to the office's city only where the wizard asked it (not for a
    household registered where no card is issued). An optional answer no longer valid today
    (a day ID was needed that has passed) is dropped; any other problem refuses the recompute.
    """
    raw = dict(plan.answers)
    if office is not None and raw.get("residence_region") and \
            place_code(raw["residence_region"]) != place_code(office.region.code):
        raw["residence_region"] = office.region.code
    regions = RegionLookup(today)
    answers, problems = questions.clean_answers(raw, today=today, regions=regions)
    dropped = [key for key, _message in problems if key in raw and questions.BY_KEY[key].optional]
    if dropped:
        answers, problems = questions.clean_answers(
            {key: value for key, value in raw.items() if key not in dropped}, today=today, regions=regions)
    if problems:
        raise MoveRefused(_("按今天重新计算时答案需要补充或更正（%(problems)s），请用代办问答重新生成清单。") % {
            "problems": "；".join(message for _key, message in problems)})
    return answers


def recompute_plan(*, plan, office, user, today=None):
    """Make a new plan from an old one's answers for today, in the office's city; return it.

    The old plan is kept as it was. When the old plan was accepted (at this office), the case
    follows the new plan from now on, and its history says which plan it replaced; the case keeps
    its state machine version and due dates (they run from the day it was accepted).
    """
    today = today or timezone.localdate()
    application = Application.objects.filter(plan=plan).first()
    if application is None and ApplicationEvent.objects.filter(replaced_plan=plan).exists():
        raise MoveRefused(_("这份清单已经重新计算过，申请已改按新清单办理。"))
    if application is not None and (office is None or application.office_id != office.pk):
        raise MoveRefused(_("这份清单已在其他受理点受理，只能由该受理点重新计算。"))
    answers = answers_for_today(plan, office, today)
    with transaction.atomic():
        new = plan_create(answers=answers, today=today, channel=Plan.Channel.STAFF, created_by=user)
        if application is None:
            return new
        if new.procedure_slug != application.procedure.slug or not new.computed.applies_here:
            raise MoveRefused(_("按今天重新计算后，结论不再是在本地办理“%(name)s”，不能替换这份申请的清单。") % {
                "name": plan.computed.procedure_name})
        if not Application.objects.filter(pk=application.pk, plan=plan).update(plan=new, updated_at=timezone.now()):
            raise MoveRefused(_("这份申请的清单刚被其他人重新计算过，请刷新后查看。"))
        ApplicationEvent.objects.create(
            application_id=application.pk, from_state=application.state_code, to_state=application.state_code,
            label=_("按今天重新计算清单"), replaced_plan=plan, actor=user,
            note=_("原清单 %(code)s（第 %(version)s 版规则，按 %(day)s 去办理计算）") % {
                "code": plan.display_code, "version": plan.procedure_version,
                "day": plan.computed.apply_date.isoformat() if plan.computed.apply_date else "—"})
        selectors.forget_status_for_applicant(plan.pk)
        selectors.forget_status_for_applicant(new.pk)
    return new


def erase_personal_data(*, older_than_days, today=None):
    """Blank the optional name and phone of applications closed long enough ago; return how many.

    Closed means collected, mailed, withdrawn or refused: whichever way an
    application ended, the counter no longer needs to reach the applicant.
    """
    today = today or timezone.localdate()
    cutoff = today - datetime.timedelta(days=older_than_days)
    return (
        Application.objects.filter(closed_on__lte=cutoff, personal_data_erased_on__isnull=True)
        .update(applicant_name="", applicant_phone="", personal_data_erased_on=today)
    )
