"""The content report: every fact with its source, confidence and last check, and what is wrong with it.

One row per content record an applicant can meet: the live, scheduled and draft
procedure versions with their parts (retired and superseded versions are left
out: no applicant meets them and fixing a fact means a new version), every
region and regional rule, and the working calendar. Each row carries flags with
stable codes (``Flag``); the markers they look for are data, kept here.
"""
import datetime
import string
from dataclasses import dataclass

from django.db import models
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from .models import CalendarDay, CalendarYear, Procedure, Region, RegionRule, ServicePoint
from .parts import PARTS
from .selectors import (
    STALE_AFTER_DAYS,
    VERSION_STATUS_LABELS,
    live_versions,
    scheduled_versions,
    today,
)
from .vocabulary import Confidence


class Flag(models.TextChoices):
    VERIFIED_SINGLE_SOURCE = "verified_single_source", _("标为已核实，但来源不是官方或法律文本")
    INTERNAL_NOTE = "internal_note", _("含内部备注（不得给申请人看到）")
    PLACEHOLDER = "placeholder", _("示例或占位内容，不是实际内容")
    NOT_CHECKED_FOR_A_YEAR = "not_checked_for_a_year", _("超过一年未核对（或从未核对）")
    NO_SOURCE = "no_source", _("未记录来源")


# A source naming one of these is a law, a national authority, a government site, a national
# standard or the state press: the only kind of source that makes a fact 已核实 (one local or
# commercial source makes it 较可能 at most). Matched without regard to case.
OFFICIAL_MARKERS = (
    "居民身份证法", "公安部", "国务院", "中国政府网", "gov.cn", "新华", "人民日报", "央视", "CCTV",
    "发改价格",  # the national card-fee notice (发改价格〔2003〕2322号)
    "GB/T 2260",  # the national standard of administrative division codes
)
# Words that name the team's own working documents and open questions, never meant for applicants.
INTERNAL_MARKERS = ("domain.md", "待管理员", "TODO")
# Words that mark an example or a stand-in rather than real content.
PLACEHOLDER_MARKERS = ("示例", "placeholder")

TEXT_LENGTH = 80  # characters of a record's text a row shows
STOPS = "。；！？：，"  # punctuation that already ends a part of a record's text
ANY = "any"  # what ``select`` takes for "every flagged row"


def _names_any(text, markers):
    folded = text.casefold()
    return any(marker.casefold() in folded for marker in markers)


def flags_for(*, source, confidence, last_checked, text, on):
    """Return the codes of the flags a fact earns, in ``Flag`` order.

    ``text`` is everything the record says (all of it, not the shortened text a row shows);
    ``on`` is the day the report is made for.
    """
    source = source.strip()
    both = f"{source}\n{text}"
    earned = {
        Flag.VERIFIED_SINGLE_SOURCE: confidence == Confidence.VERIFIED and not _names_any(source, OFFICIAL_MARKERS),
        Flag.INTERNAL_NOTE: _names_any(both, INTERNAL_MARKERS),
        Flag.PLACEHOLDER: _names_any(both, PLACEHOLDER_MARKERS),
        Flag.NOT_CHECKED_FOR_A_YEAR: (
            last_checked is None or last_checked < on - datetime.timedelta(days=STALE_AFTER_DAYS)),
        Flag.NO_SOURCE: not source,
    }
    return tuple(flag.value for flag in Flag if earned[flag])


@dataclass(frozen=True)
class ReportRow:
    """One fact as the report shows it."""

    model: str  # the model's name (``regionrule``)
    kind: str  # the model's name for people (``地方规定``)
    identity: str  # which record it is: ``cross-region-renewal v1 · photo``, ``广东省深圳市 · 承诺的本地办证时限``
    standing: str  # a procedure version's standing (现行, 待生效, 草稿), or "" for a record outside a version
    text: str  # what the record says, shortened
    source: str
    confidence: str
    last_checked: datetime.date | None
    flags: tuple
    pk: int
    owner_pk: int | None = None  # the procedure version a part belongs to
    position: int | None = None  # the part's place among its version's rows of its kind (the admin's form index)

    @property
    def confidence_label(self):
        return Confidence(self.confidence).label

    @property
    def flag_labels(self):
        return [Flag(code).label for code in self.flags]

    def to_json(self):
        """Return the row as plain JSON values (the model's name, codes, an ISO date)."""
        return {
            "model": self.model, "kind": str(self.kind), "identity": self.identity, "standing": str(self.standing),
            "text": self.text, "source": self.source, "confidence": self.confidence,
            "confidence_label": str(self.confidence_label),
            "last_checked": self.last_checked.isoformat() if self.last_checked else None,
            "flags": list(self.flags), "pk": self.pk,
        }


def _join(*parts):
    """Return the non-empty parts as one text, a ；between two where the first has no stop of its own."""
    text = ""
    for part in parts:
        part = "" if part is None else str(part).strip()
        if part:
            text += ("" if not text or text[-1] in STOPS else "；") + part
    return text


# What each kind of record says, for people (and for the markers): the fields a reader sees.
TEXTS = {
    "procedure": lambda row: _join(row.name, row.summary),
    "state": lambda row: _join(row.name, row.description, row.location),
    "transition": lambda row: row.label,
    "requirement": lambda row: _join(row.name, row.description),
    "fee": str,
    "notice": lambda row: _join(row.title, row.text),
    "urgentoption": lambda row: _join(row.title, row.text),
    "validityrule": str,
    "timelimit": lambda row: _join(str(row), row.label),
    "region": lambda row: row.full_name,
    "regionrule": lambda row: _join(
        row.get_topic_display() if row.applies else _("不适用：%(topic)s") % {"topic": row.get_topic_display()},
        f"{row.days} {row.get_unit_display()}" if row.days is not None else None, row.note),
    "servicepoint": lambda row: _join(row.name, row.address, row.hours, row.phone, row.booking, row.booking_url),
    "calendarday": str,
    "calendaryear": lambda row: _join(row.year, _("全年安排已录入") if row.complete else _("全年安排未录入完整")),
}


def _row(record, identity, on, *, standing="", owner_pk=None, position=None):
    meta = record._meta
    text = TEXTS[meta.model_name](record)
    return ReportRow(
        model=meta.model_name, kind=meta.verbose_name, identity=identity, standing=standing,
        text=Truncator(" ".join(text.split())).chars(TEXT_LENGTH), source=record.source,
        confidence=record.confidence, last_checked=record.last_checked,
        flags=flags_for(source=record.source, confidence=record.confidence, last_checked=record.last_checked,
                        text=text, on=on),
        pk=record.pk, owner_pk=owner_pk, position=position,
    )


def _key_fields(part):
    return [name for _text, name, _spec, _conversion in string.Formatter().parse(part.key_format) if name]


def _part_key(part, record):
    """Return a part's natural key (``Part.key_format``), states named by their codes."""
    values = {}
    for name in _key_fields(part):
        value = getattr(record, name)
        values[name] = "∞" if value is None else getattr(value, "code", value)
    return part.key_format.format_map(values)


def _form_order(model):
    """Return the order the admin's inline lists a version's rows in (the model's), made total."""
    order = [name for name in model._meta.ordering if name != "procedure"]
    return ["procedure_id", *order, *([] if "pk" in order else ["pk"])]


def reported_versions(on):
    """Return the procedure versions the report covers, each with its standing: live, scheduled, draft."""
    versions = [(row, "live") for row in live_versions(on)]
    versions += [(row, "scheduled") for row in scheduled_versions(on)]
    versions += [(row, "draft") for row in Procedure.objects.filter(status=Procedure.Status.DRAFT)]
    versions.sort(key=lambda item: (item[0].priority, item[0].slug, item[0].version))
    return versions


def _procedure_rows(on):
    versions = reported_versions(on)
    parts_of = {procedure.pk: [] for procedure, _standing in versions}
    for part in PARTS:
        rows = (part.model.objects.filter(procedure_id__in=parts_of)
                .select_related(*part.select_related).order_by(*_form_order(part.model)))
        position, owner = 0, None
        for record in rows:
            position = position + 1 if record.procedure_id == owner else 0
            owner = record.procedure_id
            parts_of[owner].append((part, record, position))
    for procedure, standing in versions:
        label = VERSION_STATUS_LABELS[standing]
        name = f"{procedure.slug} v{procedure.version}"
        yield _row(procedure, name, on, standing=label)
        for part, record, position in parts_of[procedure.pk]:
            yield _row(record, f"{name} · {_part_key(part, record)}", on, standing=label,
                       owner_pk=procedure.pk, position=position)


def _place_rows(on):
    for region in Region.objects.select_related("parent").order_by("code"):
        yield _row(region, str(region), on)
    for rule in RegionRule.objects.select_related("region__parent").order_by("region__code", "topic"):
        yield _row(rule, f"{rule.region} · {rule.get_topic_display()}", on)
    for point in ServicePoint.objects.select_related("region__parent").order_by("region__code", "order", "pk"):
        yield _row(point, f"{point.region} · {point.name}", on)
    for year in CalendarYear.objects.order_by("year"):
        yield _row(year, str(year.year), on)
    for day in CalendarDay.objects.order_by("date"):
        yield _row(day, f"{day.date.isoformat()} {day.get_kind_display()}", on)


def content_report(on=None):
    """Return one ``ReportRow`` per fact: procedure versions and their parts, then regions, rules, calendar."""
    on = on or today()
    return [*_procedure_rows(on), *_place_rows(on)]


def flag_counts(rows):
    """Return how many rows carry each flag, every flag in ``Flag`` order (zero included)."""
    counts = dict.fromkeys(Flag.values, 0)
    for row in rows:
        for code in row.flags:
            counts[code] += 1
    return counts


def select(rows, flag=""):
    """Return the rows carrying ``flag`` (a ``Flag`` code), every flagged row for ``ANY``, or all rows for ""."""
    if not flag:
        return list(rows)
    if flag == ANY:
        return [row for row in rows if row.flags]
    return [row for row in rows if flag in row.flags]
