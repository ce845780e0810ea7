"""Writes on the counter's side: open an application, move it along its state machine."""
import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from procedures import engine, questions
from procedures.selectors import compiled
from procedures.vocabulary import HANDOVER_MILESTONES, Milestone, TransitionKind
from wizard.services import RegionLookup

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
