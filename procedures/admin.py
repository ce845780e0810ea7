"""The admin where content admins keep procedures, fees, regions and the calendar right.

Conditions are edited as pretty-printed JSON and shown in words beside it (``admin_forms``,
``admin_inlines``); saving a procedure runs the graph checks (``validation.check_procedure``)
and reports each result by its stable id. Only drafts can be edited: a published or retired
version is shown read-only, with buttons to copy it into a new draft (``admin_versions``).
"""
from django.apps import apps
from django.contrib import admin, messages
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from . import selectors, services
from .admin_forms import GROUP_LABELS, OPERATOR_LABELS, SOURCED_FIELDS, ProcedureForm
from .admin_history import HistoryAdmin
from .admin_inlines import (
    SOURCE_FIELDSET,
    ContentFormMixin,
    FeeInline,
    NoticeInline,
    RegionRuleInline,
    RequirementInline,
    StateInline,
    TimeLimitInline,
    TransitionInline,
    UrgentOptionInline,
    ValidityRuleInline,
    condition_words,
    is_locked,
)
from .admin_versions import VersionAdminMixin, diagram_context, message_text, problem_rows
from .describe import describe_condition
from .facts import FACTS, PHASE_OF_MODEL
from .models import CalendarDay, CalendarYear, Procedure, Region, RegionRule, ServicePoint
from .validation import check_procedure

FACT_TYPE_LABELS = {
    "enum": _("单选"),
    "enum_list": _("多选列表"),
    "bool": _("是非（true/false）"),
    "int": _("整数"),
    "date": _("日期（YYYY-MM-DD）"),
    "str": _("文字"),
}


def _facts_table():
    """Return one row per fact: name, label, type, choices and where it may be used."""
    # Questions name facts too, but an admin edits conditions on the models only.
    registry = apps.get_app_config("procedures").models
    models = [registry[name] for name in PHASE_OF_MODEL if name in registry]
    rows = []
    for fact in FACTS.values():
        usable = [model for model in models if fact.phase <= PHASE_OF_MODEL[model._meta.model_name]]
        if len(usable) == len(models):
            scope = _("所有条件")
        else:
            scope = "、".join(str(model._meta.verbose_name) for model in usable)
        rows.append({
            "name": fact.name,
            "label": fact.label,
            "type": FACT_TYPE_LABELS.get(fact.type, fact.type),
            "choices": ", ".join(fact.choices),
            "scope": scope,
        })
    return rows


@admin.display(description=_("来源"))
def source_excerpt(obj):
    return Truncator(obj.source).chars(40)


SOURCED_COLUMNS = (source_excerpt, "confidence", "last_checked")


@admin.display(description=_("适用条件（文字）"))
def applies_when_words(obj):
    return describe_condition(obj.applies_when) if obj is not None and obj.pk else "—"


@admin.register(Procedure)
class ProcedureAdmin(VersionAdminMixin, ContentFormMixin, admin.ModelAdmin):
    form = ProcedureForm
    list_display = [
        "name", "slug", "version", "status", "effective_from", "kind", "outcome", "priority",
        "published_by", "published_at", *SOURCED_COLUMNS]
    list_filter = ["status", "kind", "outcome", "confidence"]
    list_select_related = ["published_by"]
    search_fields = ["name", "slug", "summary"]
    readonly_fields = [
        "version", "status", "effective_from", "created_by", "created_at", "based_on", "published_by",
        "published_at", applies_when_words]
    fieldsets = [
        (None, {"fields": [
            ("name", "slug", "version"),
            ("kind", "outcome", "priority"),
            "summary",
            ("applies_when", applies_when_words),
        ]}),
        (_("版本"), {"classes": ["collapse"], "fields": [
            ("status", "effective_from"),
            ("created_by", "created_at", "based_on"),
            ("published_by", "published_at"),
        ]}),
        SOURCE_FIELDSET,
    ]
    inlines = [
        StateInline, TransitionInline, RequirementInline, FeeInline, NoticeInline,
        UrgentOptionInline, ValidityRuleInline, TimeLimitInline,
    ]
    actions = ["check_selected"]
    save_on_top = True

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None:
            fields.append("slug")  # a version belongs to its slug for good
        return fields

    def has_change_permission(self, request, obj=None):
        return not is_locked(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not is_locked(obj) and super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        if change:
            services.ensure_draft(Procedure.objects.get(pk=obj.pk))
        else:
            obj.status = Procedure.Status.DRAFT
            obj.created_by = request.user
            obj.version = services.next_version(obj.slug)  # a slug whose drafts were all deleted goes on counting
        super().save_model(request, obj, form, change)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context["facts_table"] = _facts_table()
        context["operator_table"] = [
            {"name": name, "label": label} for name, label in {**GROUP_LABELS, **OPERATOR_LABELS}.items()]
        context["check_rows"] = None
        if obj is not None and obj.pk:
            found = check_procedure(obj)
            context["check_rows"] = problem_rows(found, links=False)
            context["version_standing"] = selectors.VERSION_STATUS_LABELS[selectors.version_status(obj)]
            context["open_draft"] = None if obj.is_draft else services.open_draft(obj.slug)
            context.update(diagram_context(obj, found))
            context["can_publish"] = obj.is_draft and request.user.has_perm("procedures.change_procedure")
        return super().render_change_form(request, context, add, change, form_url, obj)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # Reported together with the "saved" message, in ``message_user``.
        request.procedure_checks = (form.instance, problem_rows(check_procedure(form.instance), links=False))

    def message_user(self, request, message, level=messages.INFO, extra_tags="", fail_silently=False):
        """Say "saved" and the checks' outcome once: a warning, not a success, when a check fails.

        After "save and continue" the change page lists the checks itself, so the message only points there.
        """
        procedure, rows = getattr(request, "procedure_checks", (None, None))
        if rows is None or level != messages.SUCCESS:
            return super().message_user(request, message, level, extra_tags, fail_silently)
        del request.procedure_checks
        if not rows:
            message = format_html("{} {}", message, _("流程检查通过。"))
            return super().message_user(request, message, level, extra_tags, fail_silently)
        errors = sum(row["level"] == "error" for row in rows)
        found = "、".join(
            text % {"n": n} for n, text in ((errors, _("%(n)d 个错误")), (len(rows) - errors, _("%(n)d 个提醒"))) if n)
        staying = "_continue" in request.POST or "_saveasnew" in request.POST
        where = _("见本页“流程检查结果”。") if staying else _("如下：")
        super().message_user(request, format_html(
            _("已保存“{procedure}”，但流程检查发现 {found}，{where}"), procedure=procedure, found=found, where=where),
            messages.WARNING, extra_tags, fail_silently)
        if not staying:
            self._report_checks(request, rows)
        return None

    def _report_checks(self, request, rows):
        for row in rows:
            report = messages.error if row["level"] == "error" else messages.warning
            report(request, message_text(row))

    @admin.action(description=_("检查所选流程"))
    def check_selected(self, request, queryset):
        for procedure in queryset:
            rows = problem_rows(check_procedure(procedure), links=False)
            self._report_checks(request, rows)
            if not rows:
                messages.success(request, _("%(procedure)s：流程检查通过。") % {"procedure": procedure})


@admin.register(Region)
class RegionAdmin(ContentFormMixin, HistoryAdmin):
    list_display = ["code", "name", "level", "parent", *SOURCED_COLUMNS]
    list_filter = ["level", "confidence"]
    list_select_related = ["parent"]
    search_fields = ["code", "name", "pinyin"]
    search_help_text = _("按行政区划代码、名称或拼音（全拼或首字母）查找。")
    fields = [("code", "name", "level"), "parent", "pinyin", *SOURCED_FIELDS]
    inlines = [RegionRuleInline]

    def get_queryset(self, request):
        # The parent appears in every region's name (the autocomplete uses this too).
        return super().get_queryset(request).select_related("parent")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "parent":
            kwargs["queryset"] = Region.objects.filter(level=Region.Level.PROVINCE)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(RegionRule)
class RegionRuleAdmin(ContentFormMixin, HistoryAdmin):
    list_display = ["region", "topic", "applies", "days", "unit", *SOURCED_COLUMNS]
    list_filter = ["topic", "confidence", "applies"]
    list_select_related = ["region__parent"]
    search_fields = ["region__name", "region__code", "region__pinyin", "note"]
    autocomplete_fields = ["region"]
    fields = ["region", ("topic", "applies"), ("days", "unit"), "note", *SOURCED_FIELDS]


@admin.register(ServicePoint)
class ServicePointAdmin(ContentFormMixin, HistoryAdmin):
    """The office directory: only what a source says; a blank field is shown to applicants as not known."""

    list_display = ["name", "region", "kind", "weekend", *SOURCED_COLUMNS]
    list_filter = ["kind", "weekend", "confidence"]
    list_select_related = ["region__parent"]
    search_fields = ["name", "address", "region__name", "region__code", "region__pinyin"]
    autocomplete_fields = ["region"]
    readonly_fields = [condition_words]
    fields = [("region", "kind", "order"), "name", "address", ("hours", "phone"), ("booking", "booking_url"),
              "weekend", ("condition", condition_words), *SOURCED_FIELDS]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "booking_url":
            kwargs["assume_scheme"] = "https"  # a typed address without a scheme is taken for https
        return super().formfield_for_dbfield(db_field, request, **kwargs)


@admin.register(CalendarDay)
class CalendarDayAdmin(ContentFormMixin, admin.ModelAdmin):
    list_display = ["date", "kind", "name", *SOURCED_COLUMNS]
    list_filter = ["kind", "confidence"]
    date_hierarchy = "date"
    search_fields = ["name"]
    fields = [("date", "kind", "name"), *SOURCED_FIELDS]


@admin.register(CalendarYear)
class CalendarYearAdmin(ContentFormMixin, admin.ModelAdmin):
    list_display = ["year", "complete", *SOURCED_COLUMNS]
    list_filter = ["complete", "confidence"]
    fields = [("year", "complete"), *SOURCED_FIELDS]
