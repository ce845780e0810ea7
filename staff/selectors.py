"""Reads for the counter's desk."""
import dataclasses
import datetime

from django.core.cache import cache
from django.db import transaction
from django.db.models import Q, Subquery
from django.db.models.functions import Coalesce, Least
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from procedures.selectors import compiled, live_version, place_code
from procedures.vocabulary import Actor, Milestone
from wizard.models import Plan

from .models import Application, ApplicationEvent, StaffMembership


def office_of(user):
    """Return the office a member of staff works at, or None."""
    membership = StaffMembership.objects.select_related("office", "office__region").filter(user=user).first()
    return membership.office if membership else None


def recent_plans(office, limit):
    """Return the plans the office's staff made most recently, newest first.

    The newest are picked by id (ids grow with creation) from the index on who made
    them, without reading the rows; then only those are read whole. Sorting whole plan
    rows by date (answers and results are JSON) took the desk a second at 50,000 plans.
    """
    members = StaffMembership.objects.filter(office=office).values("user_id")
    newest = Plan.objects.filter(created_by_id__in=Subquery(members)).order_by("-pk").values("pk")[:limit]
    return Plan.objects.filter(pk__in=Subquery(newest)).select_related("created_by").order_by("-pk")


def applications_by_code(office, codes):
    """Return an office's applications with these reference codes (others' are left out)."""
    return list(Application.objects.select_related("plan", "procedure").filter(office=office, plan__code__in=codes))


def state_name(application, code):
    """Return the name of a state of the application's procedure version (the code itself if it has none)."""
    state = compiled(application.procedure).states_by_code.get(code)
    return state.name if state is not None else code


def overdue_q(today):
    """Match applications past either due date."""
    return Q(card_ready_due__lt=today) | Q(statutory_due__lt=today)


def first_due():
    """The earlier of an application's two due dates, as an expression (either may be missing)."""
    # LEAST ignores NULLs on PostgreSQL but not on SQLite, so fill each from the other.
    return Least(Coalesce("card_ready_due", "statutory_due"), Coalesce("statutory_due", "card_ready_due"))


def overdue_applications(office, today=None):
    """Return open applications past either due date, the longest overdue first."""
    today = today or timezone.localdate()
    return (
        Application.objects.filter(office=office, is_closed=False)
        .filter(overdue_q(today))
        .annotate(first_due=first_due())
        .select_related("plan", "procedure")
        .order_by("first_due", "accepted_on", "pk")
    )


# The overdue count in every desk page's navigation: one COUNT, kept a minute per office and day, set afresh
# by the desk and the overdue list (which count anyway) and dropped by every move.
OVERDUE_COUNT_SECONDS = 60


def _overdue_key(office_id, today):
    return f"staff:overdue-count:{office_id}:{today.isoformat()}"


def overdue_count(office, today=None, *, counted=None):
    """Return how many open applications of an office are overdue (``counted``: a fresh count to keep)."""
    today = today or timezone.localdate()
    key = _overdue_key(office.pk, today)
    count = counted if counted is not None else cache.get(key)
    if count is None:
        count = Application.objects.filter(office=office, is_closed=False).filter(overdue_q(today)).count()
    cache.set(key, count, OVERDUE_COUNT_SECONDS)
    return count


def forget_overdue_count(office_id):
    """Drop an office's kept overdue count now and after the write that changed it commits."""
    key = _overdue_key(office_id, timezone.localdate())
    cache.delete(key)
    transaction.on_commit(lambda: cache.delete(key))


# The applicant's status is read on every view of a plan page and changes a few times in a case's life:
# kept in the cache (shared by every instance when REDIS_URL is set), dropped by every write of an
# application (``forget_status_for_applicant``, after commit) and, as a backstop for a per-process cache
# another worker wrote through, after STATUS_SECONDS.
STATUS_SECONDS = 30


def _status_key(plan_id):
    return f"staff:applicant-status:{plan_id}"


def status_for_applicant(plan):
    """Return the state and dates of the application opened from a plan, or None.

    Only what the applicant may see: no names, phone numbers, notes or staff.
    """
    key = _status_key(plan.pk)
    kept = cache.get(key)
    if kept is not None:
        return kept[0]
    row = (Application.objects.filter(plan=plan)
           .values("state_name", "is_closed", "accepted_on", "card_ready_due", "statutory_due", "collected_on")
           .first())
    cache.set(key, (row,), STATUS_SECONDS)
    return row


def forget_status_for_applicant(plan_id):
    """Drop the kept status of a plan's application now, and again once the write that changed it has
    committed (a view of the page in between may have kept the row as it was before the commit)."""
    key = _status_key(plan_id)
    cache.delete(key)
    transaction.on_commit(lambda: cache.delete(key))


def mask_name(name):
    """Return a name with all but its first character hidden: 张**."""
    return f"{name[0]}{'*' * (len(name) - 1)}" if name else ""


def mask_phone(phone):
    """Return a phone number with the middle hidden: 138****1234."""
    digits = phone.strip()
    if len(digits) <= 4:
        return "*" * len(digits)
    keep = 3 if len(digits) >= 11 else 1
    return f"{digits[:keep]}{'*' * (len(digits) - keep - 4)}{digits[-4:]}"


# How a state reads as a status on the desk, from what content already says about it: the milestone it
# marks, else who holds the case. Which state has which milestone or actor stays content. A case in the
# state marked ``issued`` is still being signed off (the card is issued when it leaves it), so that state
# reads by who holds it (户籍地办理中).
STATUS_OF_MILESTONE = {
    Milestone.ACCEPTED: _("已受理"), Milestone.CARD_READY: _("待领取"),
    Milestone.COLLECTED: _("已领取"), Milestone.MAILED: _("已寄出"),
}
STATUS_OF_ACTOR = {
    Actor.HUKOU_OFFICE: _("户籍地办理中"), Actor.PRODUCTION: _("制证中"),
    Actor.RESIDENCE_OFFICE: _("受理点办理中"), Actor.APPLICANT: _("待申请人办理"),
}


def status_of(state):
    """Return a compiled state as a status (已受理, 制证中, 待领取...), not as the step's name."""
    if state.milestone in STATUS_OF_MILESTONE:
        return STATUS_OF_MILESTONE[state.milestone]
    if state.is_terminal:
        return _("已结束：%(state)s") % {"state": state.name}
    return STATUS_OF_ACTOR.get(state.actor, state.name)


def status_key(state):
    """Return a stable key for a state's status (a tab's address), read the way ``status_of`` reads it."""
    if state.milestone in STATUS_OF_MILESTONE:
        return f"m-{state.milestone}"
    if not state.is_terminal and state.actor in STATUS_OF_ACTOR:
        return f"a-{state.actor}"
    return f"s-{state.code}"


def application_status(application):
    """Return the status of an application's current state (its procedure is compiled once per version)."""
    state = compiled(application.procedure).states_by_code.get(application.state_code)
    return status_of(state) if state is not None else application.state_name


# --- plans made on another day, version or city -----------------------------------------------------

def stale_reasons(plan, office, application=None, today=None):
    """Return why a plan's paper may mislead at this counter today, in plain words (empty: it is current).

    A plan goes stale when a newer version of its procedure is live, when the day it
    was worked out for (the day to apply) has passed, or when it was worked out for
    another city than the office's. For an accepted plan the day that counts is the
    day of acceptance (the case's dates run from it), not today.
    """
    today = today or timezone.localdate()
    result = plan.computed
    reasons = []
    live = live_version(plan.procedure_slug, today)
    if live is not None and live.version > plan.procedure_version:
        reasons.append(gettext("这份清单按第 %(old)s 版规则计算，现行的是第 %(new)s 版。") % {
            "old": plan.procedure_version, "new": live.version})
    day = application.accepted_on if application is not None else today
    if result.apply_date and result.apply_date < day:
        reasons.append(gettext("这份清单按 %(day)s 去办理计算，这一天已经过去，上面的日期都偏早。") % {
            "day": result.apply_date.isoformat()})
    residence = result.residence_region.code or result.residence_region.resolved
    if office is not None and residence and place_code(residence) != place_code(office.region.code):
        reasons.append(gettext("这份清单按居住地“%(city)s”计算，与本受理点所在的“%(office)s”不同。") % {
            "city": result.residence_region.name, "office": office.region.full_name})
    return reasons


def replaced_by(plan):
    """Return the application whose plan was recomputed from this one (None: never replaced)."""
    event = (ApplicationEvent.objects.select_related("application__plan").filter(replaced_plan=plan)
             .order_by("-pk").first())
    return event.application if event is not None else None


def _moved(day, days):
    return day + datetime.timedelta(days=days) if day else day


def plan_as_accepted(application):
    """Return the application's plan with its timeline moved to the day it was accepted.

    The case's due dates are the plan's moved by the days between the plan's day to
    apply and the day of acceptance (``services.open_application``); a sheet printed
    from the case moves every date of the timeline alike, so paper and case agree.
    The applicant's own dates (the day ID is needed, the old card's window, the photo
    receipt's expiry) stay as they are.
    """
    result = application.plan.computed
    if result.apply_date is None:
        return result
    days = (application.accepted_on - result.apply_date).days
    card_ready = dataclasses.replace(result.card_ready, date=_moved(result.card_ready.date, days))
    return dataclasses.replace(
        result, apply_date=application.accepted_on, card_ready=card_ready,
        deadline=dataclasses.replace(result.deadline, date=_moved(result.deadline.date, days)),
        steps=tuple(dataclasses.replace(step, earliest=_moved(step.earliest, days), latest=_moved(step.latest, days))
                    for step in result.steps),
        new_card=dataclasses.replace(result.new_card, expiry=_moved(result.new_card.expiry, days),
                                     issued_on=_moved(result.new_card.issued_on, days)),
        urgent_options=tuple(dataclasses.replace(option, ready_by=_moved(option.ready_by, days))
                             for option in result.urgent_options),
        needed_before_ready=bool(result.needed_by and card_ready.date and result.needed_by < card_ready.date),
    )
