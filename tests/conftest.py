"""Shared fixtures: small named procedures built from rows, and engine helpers."""
import datetime
import time
from types import MappingProxyType

import pytest
import time_machine
from django.contrib.auth.models import Group, User

from procedures import engine
from procedures.models import Procedure, Region
from staff.models import Office, StaffMembership

from .factories import (
    FeeFactory,
    ProcedureFactory,
    StateFactory,
    TimeLimitFactory,
    TransitionFactory,
    ValidityRuleFactory,
)

TODAY = datetime.date(2026, 11, 25)
CLERK_PASSWORD = "counter-pass-2026"


@pytest.fixture
def office(db):
    """A Shenzhen counter office (the desk's tests)."""
    return Office.objects.create(name="深圳市南山区异地受理点", region=Region.objects.get(code="440300"))


@pytest.fixture
def clerk(office):
    """A counter clerk of that office, password ``CLERK_PASSWORD``."""
    user = User.objects.create_user("clerk", password=CLERK_PASSWORD)
    user.groups.add(Group.objects.get(name="柜台工作人员"))
    StaffMembership.objects.create(user=user, office=office)
    return user


@pytest.fixture(autouse=True)
def _fresh_caches():
    """Start every test with empty caches (a rollback undoes the stamps; rate limits count in the cache)."""
    from django.core.cache import cache

    from procedures.selectors import clear_caches

    clear_caches()
    cache.clear()
    yield
    clear_caches()
    cache.clear()


def region(code, name=None, province=None, **rules):
    """Return a RegionInfo with the given rules, e.g. ``photo_receipt=180``."""
    infos = {}
    for topic, days in rules.items():
        infos[topic] = engine.RuleInfo(
            applies=True, days=days if isinstance(days, int) and days is not True else None,
            unit="calendar_days", note="", region_code=code, provenance=engine.Provenance())
    return engine.RegionInfo(
        code=code, name=name or code, province_code=province or code[:2] + "0000",
        input_code=code, input_name=name or code, rules=MappingProxyType(infos))


HOME = region("410100", "河南省郑州市")
AWAY = region("440300", "广东省深圳市")


def catalogue_of(*procedures):
    """Return a Catalogue compiled from procedure rows."""
    compiled = [engine.compile_procedure(p) for p in procedures]
    return engine.Catalogue(
        main=tuple(sorted((c for c in compiled if c.kind == "main"), key=lambda c: c.priority)),
        subs=MappingProxyType({c.slug: c for c in compiled if c.kind == "sub"}),
    )


def chain(procedure, *codes, **state_kwargs):
    """Create states ``codes`` in a line, the first initial and the last terminal."""
    states = []
    for index, code in enumerate(codes):
        extra = state_kwargs.get(code, {})
        states.append(StateFactory(
            procedure=procedure, code=code, order=index * 10, is_initial=index == 0,
            is_terminal=index == len(codes) - 1, **extra))
    for source, target in zip(states, states[1:], strict=False):
        TransitionFactory(source_state=source, target_state=target)
    return states


@pytest.fixture
def linear_procedure(db):
    """apply → review (1–5 days) → ready (card_ready) → collected, with fee, validity, deadline, promises."""
    procedure = ProcedureFactory(slug="linear")
    chain(
        procedure, "apply", "review", "ready", "collected",
        apply={"milestone": "accepted"},
        review={"duration_min": 1, "duration_max": 5},
        ready={"milestone": "card_ready", "duration_min": 2, "duration_max": 10,
               "duration_unit": "working_days"},
    )
    FeeFactory(procedure=procedure, amount_yuan=20)
    ValidityRuleFactory(procedure=procedure, min_age=0, max_age=15, years=5)
    ValidityRuleFactory(procedure=procedure, min_age=16, max_age=None, years=10)
    TimeLimitFactory(procedure=procedure, amount=60)
    # As the seed does: a place's promise for people registered elsewhere, else its local promise.
    TimeLimitFactory(procedure=procedure, kind="promise", amount=0, region_topic="promise_cross_region",
                     priority=10, condition={"fact": "cross_region", "op": "eq", "value": True})
    TimeLimitFactory(procedure=procedure, kind="promise", amount=0, region_topic="promise_local", priority=20)
    return procedure


@pytest.fixture
def branching_procedure(db):
    """start → (mail if delivery=mail, priority 10) | (counter, priority 20) → done."""
    procedure = ProcedureFactory(slug="branching")
    start = StateFactory(procedure=procedure, code="start", is_initial=True, order=0)
    mail = StateFactory(procedure=procedure, code="mail", order=10)
    counter = StateFactory(procedure=procedure, code="counter", order=20)
    done = StateFactory(procedure=procedure, code="done", is_terminal=True, order=30,
                        milestone="card_ready")
    TransitionFactory(source_state=start, target_state=mail, priority=10,
                      condition={"fact": "delivery", "op": "eq", "value": "mail"})
    TransitionFactory(source_state=start, target_state=counter, priority=20)
    TransitionFactory(source_state=mail, target_state=done)
    TransitionFactory(source_state=counter, target_state=done)
    FeeFactory(procedure=procedure)
    return procedure


@pytest.fixture
def seeded_catalogue(db):
    """Return the catalogue of the procedures seeded by the data migrations."""
    from procedures.selectors import load_catalogue

    assert Procedure.objects.filter(status=Procedure.Status.PUBLISHED).exists()
    return load_catalogue()


@pytest.fixture
def one_rate_window():
    """Hold the clock still, so that a rate-limit test's requests all fall in one window.

    Limits count per window of a minute (django-ratelimit); a slow run that crossed into the
    next window would start counting again and the limit would seem not to hold.
    """
    with time_machine.travel(time.time(), tick=False):
        yield
