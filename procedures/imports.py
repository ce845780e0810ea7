"""Import an export document as drafts: all of it, or nothing.

Importing never publishes: each changed procedure becomes a draft that an admin
previews and publishes as any other (``services.procedure_publish``).
"""
import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from . import exchange
from .models import Procedure
from .parts import EXPORT_KEYS, PARTS
from .services import (
    ImportRefused,
    _create_parts,
    _error,
    _shown,
    _type_problems,
    _validate,
    next_version,
    open_draft,
    publish_checks,
)


def _content(data):
    return {key: value for key, value in data.items() if key != "effective_from"}


def _document_problems(document):
    """Return the problems of a document's shape: format, types and text no database stores.

    Everything the import later looks up by (slugs, state codes) is checked here or in
    ``_create_parts`` before the lookup, so a hostile document gets messages, never an
    exception and never a half-done transaction.
    """
    if not isinstance(document, dict) or document.get("format") != exchange.FORMAT:
        return [_error("E100", _("不是本系统导出的流程文件（缺少 format: %(format)s）。") % {
            "format": exchange.FORMAT})]
    if document.get("format_version") != exchange.FORMAT_VERSION:
        return [_error("E100", _("不支持的文件版本 %(version)s。") % {
            "version": _shown(document.get("format_version"))})]
    reasons = {"nul": _("空字符 NUL（\\u0000）"), "surrogate": _("不成对的代理字符（如 \\ud800）")}
    unstorable = exchange.unstorable(document)
    if unstorable:
        return [_error("E100", _("%(where)s：含有无法保存的%(what)s，导出的文件不会有这种字符。") % {
            "where": where, "what": reasons[why]}) for where, why in unstorable]
    items = document.get("procedures")
    if not isinstance(items, list):
        return [_error("E100", _("procedures 应为列表。"))]
    problems, seen = [], set()
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            problems.append(_error("E100", _("procedures[%(i)d]：应为对象。") % {"i": index}))
            continue
        if not isinstance(item.get("slug"), str) or not item["slug"]:
            problems.append(_error("E100", _("procedures[%(i)d]：缺少 slug（应为非空字符串）。") % {
                "i": index}))
            continue
        try:
            effective = datetime.date.fromisoformat(item.get("effective_from") or "")
        except (TypeError, ValueError):
            problems.append(_error("E100", _("%(slug)s：effective_from 须为 YYYY-MM-DD。") % {
                "slug": item["slug"]}))
            continue
        key = (item["slug"], effective)
        if key in seen:
            problems.append(_error("E100", _("%(slug)s 在 %(day)s 出现了两次。") % {
                "slug": item["slug"], "day": effective.isoformat()}))
        seen.add(key)
        unknown = set(item) - set(exchange.content_fields(Procedure)) - EXPORT_KEYS
        if unknown:
            problems.append(_error("E100", _("%(slug)s：未知的字段 %(fields)s。") % {
                "slug": item["slug"], "fields": ", ".join(sorted(unknown))}))
        problems.extend(_type_problems(Procedure, item, item["slug"], skip={"slug", "effective_from"}))
        for section in (part.export_key for part in PARTS):
            if section in item and not isinstance(item[section], list):
                problems.append(_error("E100", _("%(slug)s %(section)s：应为列表，而不是 %(value)s。") % {
                    "slug": item["slug"], "section": section, "value": _shown(item[section])}))
    return problems


class _Unchanged(Exception):
    """The item is the published version of its day again: undo its draft."""


@transaction.atomic
def procedures_import(*, document, user=None):
    """Import an export document, all or nothing; return the drafts it created.

    A procedure identical to the published version with the same effective date is
    left alone; any other becomes a draft with the next version number and the file's
    effective date as the proposed one, checked as a publish on that date would check
    it. An admin then previews and publishes it. A slug takes one draft at a time, so
    a file may change one version per slug. On any problem nothing changes and
    ``ImportRefused`` lists them.
    """
    problems = _document_problems(document)
    if problems:
        raise ImportRefused(problems)
    # Sub-procedures first, as they must be published before a main procedure that calls them.
    items = sorted(document["procedures"],
                   key=lambda item: (item.get("kind") != Procedure.Kind.SUB, item["slug"], item["effective_from"]))
    drafts = {}
    for item in items:
        slug, effective_from = item["slug"], datetime.date.fromisoformat(item["effective_from"])
        same_day = Procedure.objects.filter(
            slug=slug, status=Procedure.Status.PUBLISHED, effective_from=effective_from).first()
        if same_day is not None and _content(item) == _content(exchange.version_data(same_day)):
            continue
        if slug in drafts:
            problems.append(_error("E100", _(
                "%(slug)s：文件改动了它的不止一个版本；一个流程同时只能有一个草稿，请分开导入。") % {"slug": slug}))
            continue
        draft_in_the_way = open_draft(slug)
        if draft_in_the_way is not None:
            problems.append(_error("E100", _("%(slug)s 有未发布的草稿 v%(version)d，请先发布或删除它。") % {
                "slug": slug, "version": draft_in_the_way.version}))
            continue
        try:
            with transaction.atomic():  # undone when unchanged, the version number with it
                draft, item_problems = _import_draft(item, effective_from, same_day, user)
        except _Unchanged:
            continue
        if item_problems:
            problems.extend(item_problems)
        else:
            drafts[slug] = draft
    if problems:
        raise ImportRefused(problems)
    return list(drafts.values())


def _import_draft(item, effective_from, same_day, user):
    """Create one item's draft; return (draft, problems), or raise ``_Unchanged``."""
    slug = item["slug"]
    fields = {name: item[name] for name in exchange.content_fields(Procedure) if name in item}
    fields["effective_from"] = effective_from  # proposed; publishing sets the day for good
    draft = Procedure(**fields, version=next_version(slug), status=Procedure.Status.DRAFT, created_by=user)
    problems = _validate(draft, slug)
    if problems:
        return None, problems
    draft.save()
    _rows, problems = _create_parts(draft, item)
    if problems:
        return None, problems
    # Defaults the file left out are filled in now: compare again, as stored.
    if same_day is not None and _content(exchange.version_data(same_day)) == _content(
            exchange.version_data(draft)):
        raise _Unchanged
    errors = [message for message in publish_checks(draft, effective_from) if message.is_serious()]
    return draft, errors
