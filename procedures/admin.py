"""The admin where content admins keep procedures, fees, regions and the calendar right.

Conditions are edited as pretty-printed JSON and shown in words beside it; saving a
procedure runs the graph checks (``validation.check_procedure``) and reports each
result by its stable id. Only drafts can be edited: a published or retired version
is shown read-only, with buttons to copy it into a new draft (``admin_versions``).
"""
import json

from django import forms
from django.apps import apps
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import ValidationError
from django.forms.fields import InvalidJSONInput
from django.forms.models import BaseInlineFormSet
from django.utils.text import Truncator, format_lazy
from django.utils.translation import gettext_lazy as _

from . import selectors, services
from .admin_versions import VersionAdminMixin
from .conditions import COMPARISONS
from .describe import describe_condition
from .diagram import render_svg
from .facts import FACTS, PHASE_OF_MODEL
from .models import (
    CalendarDay,
    CalendarYear,
    ConditionField,
    Fee,
    Notice,
    Procedure,
    Region,
    RegionRule,
    Requirement,
    State,
    TimeLimit,
    Transition,
    UrgentOption,
    ValidityRule,
)
from .validation import check_procedure

OPERATOR_LABELS = {
    "eq": _("等于"),
    "ne": _("不等于"),
    "in": _("属于列表之一（列表型事实：含其中之一）"),
    "not_in": _("不属于列表中任何一个"),
    "lt": _("小于"),
    "lte": _("小于或等于"),
    "gt": _("大于"),
    "gte": _("大于或等于"),
    "is_set": _("已有值（不带 value）"),
}
GROUP_LABELS = {
    "all": _("全部满足"),
    "any": _("任一满足"),
    "not": _("取反"),
}
FACT_TYPE_LABELS = {
    "enum": _("单选"),
    "enum_list": _("多选列表"),
    "bool": _("是非（true/false）"),
    "int": _("整数"),
    "date": _("日期（YYYY-MM-DD）"),
    "str": _("文字"),
}
CONDITION_HELP = format_lazy(
    _("留空表示总是适用。写法：{{\"fact\": 事实名, \"op\": 运算符, \"value\": 值}}，"
      "可用 all、any、not 组合。运算符：{ops}。可引用的事实见本页底部“可用的事实”。"),
    ops="、".join(COMPARISONS),
)


def format_condition(value, indent=0):
    """Return ``value`` as JSON with one comparison per line and groups indented."""
    pad = " " * indent
    if isinstance(value, dict) and len(value) == 1:
        ((key, inner),) = value.items()
        if key in ("all", "any") and isinstance(inner, list) and inner:
            items = ",\n".join(f"{pad}  {format_condition(item, indent + 2)}" for item in inner)
            return f"{{{json.dumps(key)}: [\n{items}\n{pad}]}}"
        if key == "not":
            return f'{{"not": {format_condition(inner, indent)}}}'
    return json.dumps(value, ensure_ascii=False)


class ConditionWidget(forms.Textarea):
    """A monospace textarea that grows with the condition it holds."""

    def __init__(self, attrs=None):
        defaults = {
            "class": "vLargeTextField condition-json",
            "style": "font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;",
            "spellcheck": "false",
            "cols": 60,
        }
        super().__init__({**defaults, **(attrs or {})})

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        lines = (context["widget"]["value"] or "").count("\n") + 1
        context["widget"]["attrs"]["rows"] = max(2, min(lines + 1, 20))
        return context


class ConditionFormField(forms.JSONField):
    """A JSON field where blank means "always" and a typo gets a message an editor can act on."""

    widget = ConditionWidget

    def to_python(self, value):
        if value is None or (isinstance(value, str) and not value.strip()):
            return {}
        if isinstance(value, str):
            try:
                json.loads(value)
            except json.JSONDecodeError as error:
                raise ValidationError(self._syntax_errors(value, error)) from error
        converted = super().to_python(value)
        return {} if converted is None else converted

    def prepare_value(self, value):
        if isinstance(value, InvalidJSONInput):
            return value
        if value is None or value == {}:
            return ""
        return format_condition(value)

    @staticmethod
    def _syntax_errors(value, error):
        errors = [ValidationError(
            _("条件不是有效的 JSON：第 %(line)d 行第 %(column)d 列附近有误。"),
            code="invalid", params={"line": error.lineno, "column": error.colno})]
        if any(mark in value for mark in "“”‘’"):
            errors.append(ValidationError(_('请把中文引号换成英文双引号 "。'), code="invalid"))
        elif "'" in value:
            errors.append(ValidationError(_('字符串须用英文双引号 "，不能用单引号。'), code="invalid"))
        if any(mark in value for mark in "，：【】｛｝"):
            errors.append(ValidationError(_("请使用英文逗号、冒号和括号。"), code="invalid"))
        return errors


def _facts_table():
    """Return one row per fact: name, label, type, choices and where it may be used."""
    models = [apps.get_model("procedures", name) for name in PHASE_OF_MODEL]
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


def _check_rows(procedure):
    return [
        {
            "level": "error" if message.is_serious() else "warning",
            "id": message.id,
            "msg": message.msg,
            "hint": message.hint or "",
        }
        for message in check_procedure(procedure)
    ]


def _message_text(row):
    text = f"{row['id']} {row['msg']}"
    return f"{text}（{row['hint']}）" if row["hint"] else text


@admin.display(description=_("来源"))
def source_excerpt(obj):
    return Truncator(obj.source).chars(40)


SOURCED_COLUMNS = (source_excerpt, "confidence", "last_checked")
SOURCED_FIELDS = ("source", "confidence", "last_checked")


class ContentFormMixin:
    """Condition fields as JSON editors, and a compact box for the source."""

    formfield_overrides = {
        ConditionField: {
            "form_class": ConditionFormField, "widget": ConditionWidget, "help_text": CONDITION_HELP},
    }

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "source":
            kwargs["widget"] = forms.Textarea(attrs={"rows": 2, "cols": 40})
        return super().formfield_for_dbfield(db_field, request, **kwargs)


class CachedChoicesMixin:
    """Evaluate a foreign key's choices once per formset, not once per inline row."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if field is not None:
            field.choices = list(field.choices)
        return field


def _edited_procedure_id(request):
    """Return the primary key of the procedure whose change page this request is for, if any."""
    match = request.resolver_match
    object_id = match.kwargs.get("object_id") if match else None
    return unquote(object_id) if object_id else None


def _is_locked(obj):
    """Return True if ``obj`` is a procedure version that may no longer change."""
    return obj is not None and getattr(obj, "status", Procedure.Status.DRAFT) != Procedure.Status.DRAFT


@admin.display(description=_("条件（文字）"))
def condition_words(obj):
    return describe_condition(obj.condition) if obj is not None and obj.pk else "—"


class DraftOnlyInlineMixin:
    """Rows of a published or retired version are read-only."""

    def has_add_permission(self, request, obj=None):
        return not _is_locked(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return not _is_locked(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not _is_locked(obj) and super().has_delete_permission(request, obj)


class PartInline(DraftOnlyInlineMixin, ContentFormMixin, CachedChoicesMixin, admin.StackedInline):
    extra = 0
    readonly_fields = [condition_words]


class StateInline(PartInline):
    model = State
    fk_name = "procedure"
    fieldsets = [
        (None, {"fields": [
            ("code", "name", "order"),
            ("is_initial", "is_terminal", "milestone"),
            ("actor", "location"),
            "description",
            ("duration_min", "duration_max", "duration_unit"),
            "subprocedure",
        ]}),
        (_("来源"), {"fields": [SOURCED_FIELDS]}),
    ]

    readonly_fields = []

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "subprocedure":
            # Called by slug: the version live on the day is used, whichever row is chosen here.
            subprocedures = Procedure.objects.filter(kind=Procedure.Kind.SUB).exclude(
                status=Procedure.Status.RETIRED)
            procedure_id = _edited_procedure_id(request)
            if procedure_id:
                own_slug = Procedure.objects.filter(pk=procedure_id).values("slug")
                subprocedures = subprocedures.exclude(slug__in=own_slug)
            kwargs["queryset"] = subprocedures
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class TransitionFormSet(BaseInlineFormSet):
    """Refuse to keep a transition whose state is deleted in the same save."""

    def clean(self):
        super().clean()
        deleted = self._states_being_deleted()
        for form in self.forms:
            if not deleted or self._should_delete_form(form) or not hasattr(form, "cleaned_data"):
                continue
            for name in ("source_state", "target_state"):
                state = form.cleaned_data.get(name)
                if state is not None and state.pk in deleted:
                    message = _("环节“%(state)s”将被删除：请一并删除这条流转，或改选其他环节。")
                    form.add_error(name, message % {"state": state.name})

    def _states_being_deleted(self):
        """Return the ids of the states ticked for deletion in the state inline of the same form."""
        prefix = StateInline.model._meta.get_field("procedure").remote_field.get_accessor_name()
        try:
            total = min(int(self.data.get(f"{prefix}-TOTAL_FORMS", 0)), self.absolute_max)
        except (TypeError, ValueError):
            return set()
        checkbox = forms.CheckboxInput()
        ids = set()
        for index in range(total):
            if checkbox.value_from_datadict(self.data, self.files, f"{prefix}-{index}-DELETE"):
                value = self.data.get(f"{prefix}-{index}-id", "")
                if value.isdigit():
                    ids.add(int(value))
        return ids


class TransitionInline(DraftOnlyInlineMixin, ContentFormMixin, CachedChoicesMixin, admin.TabularInline):
    model = Transition
    formset = TransitionFormSet
    extra = 0
    fields = ["source_state", "target_state", "label", "kind", "priority", "condition", condition_words,
              *SOURCED_FIELDS]
    readonly_fields = [condition_words]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("source_state", "target_state")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name in ("source_state", "target_state"):
            procedure_id = _edited_procedure_id(request)
            kwargs["queryset"] = (
                State.objects.filter(procedure_id=procedure_id) if procedure_id else State.objects.none())
            kwargs["help_text"] = _("只能选择本流程已保存的环节；新增的环节须先保存。")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class RequirementInline(PartInline):
    model = Requirement
    fieldsets = [
        (None, {"fields": [
            ("code", "name", "order"),
            ("form", "quantity", "any_of_group", "handed_back"),
            "description",
            ("condition", condition_words),
        ]}),
        (_("来源"), {"fields": [SOURCED_FIELDS]}),
    ]


class FeeInline(PartInline):
    model = Fee
    fieldsets = [
        (None, {"fields": [
            ("code", "label", "priority"),
            ("amount_yuan", "is_waiver"),
            ("valid_from", "valid_to"),
            ("condition", condition_words),
        ]}),
        (_("来源"), {"fields": [SOURCED_FIELDS]}),
    ]


class NoticeInline(PartInline):
    model = Notice
    fieldsets = [
        (None, {"fields": [("code", "title", "severity", "order"), "text", ("condition", condition_words)]}),
        (_("来源"), {"fields": [SOURCED_FIELDS]}),
    ]


class UrgentOptionInline(PartInline):
    model = UrgentOption
    fieldsets = [
        (None, {"fields": [("code", "title", "fee_yuan", "order"), "text", ("condition", condition_words)]}),
        (_("来源"), {"fields": [SOURCED_FIELDS]}),
    ]


class ValidityRuleInline(DraftOnlyInlineMixin, ContentFormMixin, admin.TabularInline):
    model = ValidityRule
    extra = 0
    fields = ["min_age", "max_age", "years", "condition", condition_words, *SOURCED_FIELDS]
    readonly_fields = [condition_words]


class TimeLimitInline(DraftOnlyInlineMixin, ContentFormMixin, admin.TabularInline):
    model = TimeLimit
    extra = 0
    fields = ["kind", "amount", "unit", "label", "priority", "condition", condition_words, *SOURCED_FIELDS]
    readonly_fields = [condition_words]


class ProcedureForm(forms.ModelForm):
    """A new procedure starts as draft v1 of a new slug; an existing slug gets new drafts by copying."""

    class Meta:
        model = Procedure
        fields = ["name", "slug", "kind", "outcome", "priority", "summary", "applies_when", *SOURCED_FIELDS]

    def clean_slug(self):
        slug = self.cleaned_data["slug"]
        if self.instance.pk is None and Procedure.objects.filter(slug=slug).exists():
            raise ValidationError(_("标识“%(slug)s”已有版本：请打开它的现行版本，点“新建草稿”。"),
                                  params={"slug": slug}, code="slug_taken")
        return slug


@admin.display(description=_("适用条件（文字）"))
def applies_when_words(obj):
    return describe_condition(obj.applies_when) if obj is not None and obj.pk else "—"


@admin.display(description=_("现状"))
def standing(obj):
    return selectors.VERSION_STATUS_LABELS[selectors.version_status(obj)]


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
        (_("版本"), {"fields": [
            ("status", "effective_from"),
            ("created_by", "created_at", "based_on"),
            ("published_by", "published_at"),
        ]}),
        (_("来源"), {"fields": [SOURCED_FIELDS]}),
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
        return not _is_locked(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not _is_locked(obj) and super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        if change:
            services.ensure_draft(Procedure.objects.get(pk=obj.pk))
        else:
            obj.status = Procedure.Status.DRAFT
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context["facts_table"] = _facts_table()
        context["operator_table"] = [
            {"name": name, "label": label} for name, label in {**GROUP_LABELS, **OPERATOR_LABELS}.items()]
        context["check_rows"] = _check_rows(obj) if obj is not None and obj.pk else None
        if obj is not None and obj.pk:
            context["version_standing"] = selectors.VERSION_STATUS_LABELS[selectors.version_status(obj)]
            context["open_draft"] = None if obj.is_draft else services.open_draft(obj.slug)
            context["diagram_svg"] = render_svg(selectors.compiled(obj))
            context["transition_words"] = [
                {"label": t.label, "source": t.source, "target": t.target, "kind": t.kind,
                 "words": describe_condition(t.condition)}
                for state in selectors.compiled(obj).states
                for t in selectors.compiled(obj).outgoing.get(state.code, ())]
            context["can_publish"] = obj.is_draft and request.user.has_perm("procedures.change_procedure")
        return super().render_change_form(request, context, add, change, form_url, obj)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        self._report_checks(request, form.instance)

    def _report_checks(self, request, procedure):
        rows = _check_rows(procedure)
        for row in rows:
            report = messages.error if row["level"] == "error" else messages.warning
            report(request, _message_text(row))
        if not rows:
            messages.success(request, _("%(procedure)s：流程检查通过。") % {"procedure": procedure})

    @admin.action(description=_("检查所选流程"))
    def check_selected(self, request, queryset):
        for procedure in queryset:
            self._report_checks(request, procedure)


class RegionRuleInline(ContentFormMixin, admin.TabularInline):
    model = RegionRule
    extra = 0
    fields = ["topic", "applies", "days", "unit", "note", *SOURCED_FIELDS]


@admin.register(Region)
class RegionAdmin(ContentFormMixin, admin.ModelAdmin):
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
class RegionRuleAdmin(ContentFormMixin, admin.ModelAdmin):
    list_display = ["region", "topic", "applies", "days", "unit", *SOURCED_COLUMNS]
    list_filter = ["topic", "confidence", "applies"]
    list_select_related = ["region__parent"]
    search_fields = ["region__name", "region__code", "region__pinyin", "note"]
    autocomplete_fields = ["region"]
    fields = ["region", ("topic", "applies"), ("days", "unit"), "note", *SOURCED_FIELDS]


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
