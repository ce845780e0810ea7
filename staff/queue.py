"""Reads for the desk's work queue: tabs by status with counts, search, sorting, days overdue.

Every figure comes from a fixed number of queries, however many applications an
office holds: one grouped count per (procedure version, state), the procedure
versions those rows name, and the page of rows itself (its count and its rows).
Which state reads as which status is content (``selectors.status_of``); the tabs
follow the states of the procedure versions the office's open applications use.
"""
from dataclasses import dataclass, field

from django.db.models import Case, Count, F, IntegerField, Q, Value, When
from django.db.models.functions import Replace

from procedures.models import Procedure
from procedures.selectors import compiled
from procedures.vocabulary import Milestone
from wizard.models import CODE_ALPHABET, normalise_code

from .models import Application
from .selectors import first_due, overdue_q, status_key, status_of

ALL = ""
# Column → the fields it sorts by (ties broken by the order the queue is accepted in).
SORTS = {
    "code": "plan__code", "status": "status_rank", "accepted": "accepted_on", "ready": "card_ready_due",
    "deadline": "statutory_due", "overdue": "first_due",
}
DEFAULT_SORT = "accepted"


def search_q(text):
    """Match a name (any part), a phone number (digits, ignoring spaces and dashes) or a reference code."""
    text = (text or "").strip()
    if not text:
        return Q()
    found = Q(applicant_name__icontains=text)
    digits = text.replace(" ", "").replace("-", "")
    if digits.isdigit():
        found |= Q(phone_digits__contains=digits)
    code = normalise_code(text)
    if code and all(ch in CODE_ALPHABET for ch in code):
        found |= Q(plan__code__contains=code)
    return found


def _open(office):
    phone_digits = Replace(Replace("applicant_phone", Value(" "), Value("")), Value("-"), Value(""))
    return Application.objects.filter(office=office, is_closed=False).annotate(phone_digits=phone_digits)


@dataclass
class Tab:
    key: str
    label: str
    count: int = 0
    # (procedure id, state code) pairs the status stands for
    states: list = field(default_factory=list)


@dataclass
class Queue:
    """The office's open work: tabs with counts, the chosen tab's rows (a queryset) and the batch targets."""

    tabs: list
    overdue_count: int
    rows: object
    count: int  # how many rows the chosen tab and search hold
    targets: list  # (state code, transition label, status after) a batch may move to


def _groups(office, text, today):
    """Return [(procedure id, state code, matching the search, overdue)] in one grouped query."""
    matching = search_q(text)
    return list(
        _open(office).values("procedure_id", "state_code")
        .annotate(found=Count("pk", filter=matching) if matching else Count("pk"),
                  late=Count("pk", filter=overdue_q(today)))
        .order_by())


def desk_queue(office, *, status=ALL, text="", sort=DEFAULT_SORT, today):
    """Return the queue of an office's open applications for a tab, a search and a sort."""
    groups = _groups(office, text, today)
    procedures = {p.pk: compiled(p) for p in Procedure.objects.filter(pk__in={g["procedure_id"] for g in groups})}
    tabs = {ALL: Tab(ALL, "")}
    targets = {}
    present = {(g["procedure_id"], g["state_code"]) for g in groups}
    for procedure in procedures.values():
        # The queue starts at acceptance: the applicant's own steps before it get a tab only if a case sits there.
        accepted = min((s.order for s in procedure.states if s.milestone == Milestone.ACCEPTED), default=0)
        for state in sorted(procedure.states, key=lambda s: s.order):
            if state.is_terminal or (state.order < accepted and (procedure.pk, state.code) not in present):
                continue
            tab = tabs.setdefault(status_key(state), Tab(status_key(state), str(status_of(state))))
            tab.states.append((procedure.pk, state.code))
    for procedure in procedures.values():
        for source, moves in procedure.outgoing.items():
            if (procedure.pk, source) not in present:
                continue
            for move in moves:
                after = procedure.states_by_code[move.target]
                targets.setdefault(move.target, (after.order, move.label, str(status_of(after))))
    rank = {}
    for index, tab in enumerate(tabs.values()):
        for pair in tab.states:
            rank[pair] = index
    for group in groups:
        pair = (group["procedure_id"], group["state_code"])
        tabs[ALL].count += group["found"]
        for tab in tabs.values():
            if pair in tab.states:
                tab.count += group["found"]
    rows = _open(office).filter(search_q(text))
    chosen = tabs.get(status)
    if status != ALL:
        pairs = chosen.states if chosen else []
        rows = rows.filter(_pairs_q(pairs)) if pairs else rows.none()
    rows = _sorted(rows, sort, rank)
    return Queue(
        tabs=list(tabs.values()), overdue_count=sum(g["late"] for g in groups), rows=rows,
        count=chosen.count if chosen else 0,
        targets=[(code, label, after) for code, (_order, label, after) in
                 sorted(targets.items(), key=lambda item: item[1][0])])


def _pairs_q(pairs):
    found = Q()
    for procedure_id, code in pairs:
        found |= Q(procedure_id=procedure_id, state_code=code)
    return found


def _sorted(rows, sort, rank):
    """Return ``rows`` in the order of a column ("-" first: descending); an unknown column sorts by acceptance."""
    column = sort.removeprefix("-")
    if column not in SORTS:
        column, sort = DEFAULT_SORT, DEFAULT_SORT
    descending = sort.startswith("-")
    rows = rows.annotate(
        first_due=first_due(),
        status_rank=Case(*[When(procedure_id=p, state_code=c, then=Value(i)) for (p, c), i in rank.items()],
                         default=Value(len(rank)), output_field=IntegerField()) if rank else Value(0, IntegerField()),
    )
    first = F(SORTS[column])
    # Rows without a date go last either way (SQLite and PostgreSQL disagree on NULLs otherwise).
    first = first.desc(nulls_last=True) if descending else first.asc(nulls_last=True)
    # A row needs its plan's code only: leave the plan's answers and results (JSON) unread.
    return (rows.select_related("plan", "procedure").defer("plan__answers", "plan__result")
            .order_by(first, "accepted_on", "pk"))


def days_overdue(application, today):
    """Return how many days an open application is past its first due date (0 when not late)."""
    dues = [day for day in (application.card_ready_due, application.statutory_due) if day]
    if not dues or application.is_closed:
        return 0
    return max((today - min(dues)).days, 0)


def mark_days_overdue(page, today):
    """Give each application on a page its days overdue (the page's rows are read once)."""
    page.object_list = list(page.object_list)
    for application in page.object_list:
        application.days_overdue = days_overdue(application, today)
    return page

