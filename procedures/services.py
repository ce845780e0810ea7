"""Writes on procedures: drafts, publishing and restoring versions (importing is in ``imports``).

A published version is never changed again: plans and applications point at it.
Every change goes into a draft, a deep copy with the next version number, which
is checked and published whole. These functions are the only writers of a
version's status; the admin calls them.
"""
import json

from django.core import checks
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.db.models import DateField, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from . import exchange
from .models import Procedure, State, VersionCounter
from .parts import PARTS
from .signals import bump_stamp
from .validation import check_procedure

CONDITION_FIELDS = {"condition", "applies_when"}


class ProcedureLocked(Exception):
    """The version is published or retired, so it cannot change."""


class PublishRefused(Exception):
    """Publishing would break the rules; ``problems`` holds check messages (with ids)."""

    def __init__(self, problems):
        self.problems = list(problems)
        super().__init__("; ".join(f"{p.id} {p.msg}" for p in self.problems))


class ImportRefused(PublishRefused):
    """A document cannot be imported; nothing was changed."""


def _error(code, message, obj=None):
    """Return an error as the graph checks report one, for content they do not cover (an import's rows)."""
    return checks.Error(message, obj=obj, id=f"procedures.{code}")


def ensure_draft(procedure):
    """Raise ``ProcedureLocked`` unless the version is a draft."""
    if procedure.status != Procedure.Status.DRAFT:
        raise ProcedureLocked(_("%(procedure)s 已发布，不能修改；请新建草稿。") % {"procedure": procedure})


def open_draft(slug):
    """Return the draft of a slug, if one is being edited."""
    return Procedure.objects.filter(slug=slug, status=Procedure.Status.DRAFT).first()


def next_version(slug):
    """Hand out the next version number of a slug: never one used before, even by a deleted draft.

    The counter row is locked until the transaction ends, so two drafts of a slug
    created at once get different numbers; rows made without it (fixtures) still count.
    """
    counter, _created = VersionCounter.objects.select_for_update().get_or_create(
        slug=slug, defaults={"last_version": 1})
    top = Procedure.objects.filter(slug=slug).aggregate(top=Max("version"))["top"] or 0
    if _created and top == 0:
        return 1
    counter.last_version = max(counter.last_version, top) + 1
    counter.save(update_fields=["last_version"])
    return counter.last_version


def _create_parts(procedure, data, *, subprocedures=None):
    """Create a version's parts from exported data; return (rows, problems).

    Each row is validated as the admin validates it; ``subprocedures`` maps a slug
    to the row a state's sub-procedure should point at (by default the newest
    published version of that slug).
    """
    problems = []
    states = {}
    created = []
    for part in PARTS:
        model = part.model
        for index, item in enumerate(data.get(part.export_key) or []):
            where = f"{procedure.slug} {part.export_key}[{index}]"
            if not isinstance(item, dict):
                problems.append(_error("E100", _("%(where)s：应为对象。") % {"where": where}))
                continue
            unknown = set(item) - set(exchange.content_fields(model))
            if unknown:
                problems.append(_error("E100", _("%(where)s：未知的字段 %(fields)s。") % {
                    "where": where, "fields": ", ".join(sorted(unknown))}))
                continue
            type_problems = _type_problems(model, item, where)
            if type_problems:  # before any lookup: a list where a code belongs is not even hashable
                problems.extend(type_problems)
                continue
            values = dict(item)
            for name in exchange.STATE_REFERENCES:
                if name in values:
                    code = values.pop(name)
                    if code not in states:
                        problems.append(_error("E101", _("%(where)s：环节“%(code)s”不存在。") % {
                            "where": where, "code": code}))
                        values = None
                        break
                    values[name] = states[code]
            if values is None:
                continue
            if "subprocedure" in values:
                slug = values.pop("subprocedure")
                if slug:
                    sub = (subprocedures or {}).get(slug) or _newest_published(slug)
                    if sub is None:
                        problems.append(_error("E007", _(
                            "%(where)s：调用的子流程 %(slug)s 不存在。") % {"where": where, "slug": slug}))
                        continue
                    values["subprocedure"] = sub
            row = model(procedure=procedure, **values)
            row_problems = _validate(row, where)
            if row_problems:
                problems.extend(row_problems)
                continue
            row.save()
            created.append(row)
            if model is State:
                states[row.code] = row
    return created, problems


def _shown(value):
    """Return a document value as short JSON text, for a message."""
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= 40 else text[:40] + "…"


def _expected(field):
    if isinstance(field, DateField):
        return _("YYYY-MM-DD 格式的日期字符串")
    if field.is_relation:
        return _("子流程的标识（字符串）") if field.name == "subprocedure" else _("环节代码（字符串）")
    return {str: _("字符串"), int: _("整数"), bool: _("true 或 false"), dict: _("JSON 对象")}[
        exchange.value_types(field.model, field.name)[0]]


def _type_problems(model, item, where, skip=()):
    """Return an E101 problem for each value of an item whose JSON type its field cannot hold.

    The model fields would convert some (5 to "5", true to 1) and choke on others
    (a number given to a date parser, a list used as a state code), so the type is
    checked first, exactly: ``type(value)``, as an export writes it.
    """
    problems = []
    for name in exchange.content_fields(model):
        if name not in item or name in skip:
            continue
        field = model._meta.get_field(name)
        # An empty date passes full_clean (the field may be blank) and fails only on save.
        empty_date = isinstance(field, DateField) and item[name] == ""
        if type(item[name]) in exchange.value_types(model, name) and not empty_date:
            continue
        if item[name] is None:
            text = _("%(where)s %(field)s：不能为空（null），应为%(expected)s。")
        else:
            text = _("%(where)s %(field)s：应为%(expected)s，而不是 %(value)s。")
        problems.append(_error("E101", text % {
            "where": where, "field": name, "expected": _expected(field), "value": _shown(item[name])}))
    return problems


def _newest_published(slug):
    return (Procedure.objects.filter(slug=slug).exclude(status=Procedure.Status.DRAFT)
            .order_by("-effective_from", "-version").first())


def _validate(row, where):
    """Return the field errors of an unsaved row as problems (conditions as E005, the rest E101)."""
    try:
        row.full_clean()
    except ValidationError as error:
        problems = []
        for field, messages in error.message_dict.items():
            code = "E005" if field in CONDITION_FIELDS else "E101"
            label = "" if field == NON_FIELD_ERRORS else f" {field}"
            for message in messages:
                problems.append(_error(code, f"{where}{label}：{message}"))
        return problems
    return []


@transaction.atomic
def draft_create(*, source, user=None):
    """Return a new draft: a deep copy of ``source`` with the next version number.

    Every part is copied, transitions keep pointing at the copies of their states,
    and a state's sub-procedure keeps pointing at the same version row (the engine
    calls the sub-procedure by slug, so the version live on the day is used).
    """
    list(Procedure.objects.select_for_update().filter(slug=source.slug))
    existing = open_draft(source.slug)
    if existing is not None:
        raise ProcedureLocked(_("%(slug)s 已有草稿 v%(version)d：请先发布或删除它。") % {
            "slug": source.slug, "version": existing.version})
    data = exchange.version_data(source)
    fields = {name: getattr(source, name) for name in exchange.content_fields(Procedure)}
    fields["effective_from"] = None
    draft = Procedure.objects.create(
        **fields, version=next_version(source.slug), status=Procedure.Status.DRAFT, created_by=user,
        based_on=source)
    subprocedures = {state.subprocedure.slug: state.subprocedure
                     for state in source.state_set.select_related("subprocedure") if state.subprocedure_id}
    _rows, problems = _create_parts(draft, data, subprocedures=subprocedures)
    if problems:  # the source itself was saved around the validators; copy it as it is
        raise PublishRefused(problems)
    return draft


def draft_restore(*, source, user=None):
    """Return a new draft with the content of an old version (a copy; the old one stays as it was)."""
    return draft_create(source=source, user=user)


@transaction.atomic
def draft_delete(*, procedure):
    """Delete a draft and its parts."""
    ensure_draft(procedure)
    procedure.delete()


def publish_checks(procedure, effective_from):
    """Return the check messages a publish on ``effective_from`` would produce."""
    return check_procedure(procedure, today=effective_from, publishing=True)


@transaction.atomic
def procedure_publish(*, procedure, user=None, effective_from=None, today=None, allow_past=False):
    """Publish a draft to take effect on ``effective_from`` (today by default); return the warnings.

    Refuses (``PublishRefused``) while any graph check reports an error. Published
    versions of the slug that would take effect on or after that day are retired
    (the new version replaces them), and so are versions nobody can use any more.
    """
    today = today or timezone.localdate()
    effective_from = effective_from or today
    list(Procedure.objects.select_for_update().filter(slug=procedure.slug))
    procedure.refresh_from_db()
    ensure_draft(procedure)
    if effective_from < today and not allow_past:
        raise PublishRefused([_error("E102", _("生效日期不能早于今天（%(today)s）。") % {
            "today": today.isoformat()}, procedure)])
    found = publish_checks(procedure, effective_from)
    errors = [message for message in found if message.is_serious()]
    if errors:
        raise PublishRefused(errors)
    siblings = Procedure.objects.filter(slug=procedure.slug, status=Procedure.Status.PUBLISHED)
    siblings.filter(effective_from__gte=effective_from).update(status=Procedure.Status.RETIRED)
    procedure.status = Procedure.Status.PUBLISHED
    procedure.effective_from = effective_from
    procedure.published_by = user
    procedure.published_at = timezone.now()
    procedure.save(update_fields=["status", "effective_from", "published_by", "published_at", "updated_at"])
    _retire_superseded(procedure.slug, today)
    return [message for message in found if not message.is_serious()]


def _retire_superseded(slug, today):
    """Retire published versions that a version already in effect has replaced for good."""
    in_effect = (Procedure.objects.filter(slug=slug, status=Procedure.Status.PUBLISHED, effective_from__lte=today)
                 .order_by("-effective_from", "-version").first())
    if in_effect is not None:
        (Procedure.objects.filter(slug=slug, status=Procedure.Status.PUBLISHED,
                                  effective_from__lt=in_effect.effective_from)
         .update(status=Procedure.Status.RETIRED))
    bump_stamp("procedures")  # queryset updates send no signal: the live catalogue must be rebuilt
