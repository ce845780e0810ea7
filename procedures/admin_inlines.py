"""The admin's shared mixins and the inlines on a procedure's and a region's pages.

Rows of a published or retired version are read-only; conditions are edited as
JSON with their words beside them (``admin_forms``).
"""
from django import forms
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext_lazy as _

from .admin_forms import CONDITION_HELP, SOURCED_FIELDS, ConditionFormField, ConditionWidget
from .describe import describe_condition
from .models import (
    ConditionField,
    Fee,
    Notice,
    Procedure,
    RegionRule,
    Requirement,
    State,
    TimeLimit,
    Transition,
    UrgentOption,
    ValidityRule,
)

# Texts of a few lines; Django's default box is ten rows high, for every row of every inline.
LONG_TEXTS = {"description", "text", "summary", "note"}
# Each row's source, confidence and check date: folded (a <details>, no JavaScript needed) to keep a
# procedure's page short; Django opens it when one of its fields has an error.
SOURCE_FIELDSET = (_("来源"), {"fields": [SOURCED_FIELDS], "classes": ["collapse"]})


class ContentFormMixin:
    """Condition fields as JSON editors, and a compact box for the source."""

    # No hidden copy of the initial value (Django adds one for a callable default, here dict): it carried the
    # help text's aria-describedby, which a hidden input may not have (vnu), and a blank condition is {} anyway.
    formfield_overrides = {
        ConditionField: {
            "form_class": ConditionFormField, "widget": ConditionWidget, "help_text": CONDITION_HELP,
            "show_hidden_initial": False},
    }

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "source":
            kwargs["widget"] = forms.Textarea(attrs={"rows": 2, "cols": 40})
        elif db_field.name in LONG_TEXTS:
            kwargs["widget"] = forms.Textarea(attrs={"rows": 3, "cols": 80, "class": "vLargeTextField"})
        return super().formfield_for_dbfield(db_field, request, **kwargs)


class CachedChoicesMixin:
    """Evaluate a foreign key's choices once per formset, not once per inline row."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if field is not None:
            field.choices = list(field.choices)
        return field


def edited_procedure_id(request):
    """Return the primary key of the procedure whose change page this request is for, if any."""
    match = request.resolver_match
    object_id = match.kwargs.get("object_id") if match else None
    return unquote(object_id) if object_id else None


def is_locked(obj):
    """Return True if ``obj`` is a procedure version that may no longer change."""
    return obj is not None and getattr(obj, "status", Procedure.Status.DRAFT) != Procedure.Status.DRAFT


@admin.display(description=_("条件（文字）"))
def condition_words(obj):
    return describe_condition(obj.condition) if obj is not None and obj.pk else "—"


@admin.display(description=_("申请人已有的条件（文字）"))
def held_when_words(obj):
    return describe_condition(obj.held_when) if obj is not None and obj.pk else "—"


class DraftOnlyInlineMixin:
    """Rows of a published or retired version are read-only."""

    def has_add_permission(self, request, obj=None):
        return not is_locked(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return not is_locked(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not is_locked(obj) and super().has_delete_permission(request, obj)


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
        SOURCE_FIELDSET,
    ]

    readonly_fields = []

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "subprocedure":
            # Called by slug: the version live on the day is used, whichever row is chosen here.
            subprocedures = Procedure.objects.filter(kind=Procedure.Kind.SUB).exclude(
                status=Procedure.Status.RETIRED)
            procedure_id = edited_procedure_id(request)
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


class TransitionInline(PartInline):
    # Stacked, not a table: each field gets its own label (a table's inputs had none: axe's "label"),
    # and a condition with its words no longer pushes the row past the page's right edge.
    model = Transition
    formset = TransitionFormSet
    fieldsets = [
        (None, {"fields": [
            ("source_state", "target_state"),
            ("label", "kind", "priority"),
            ("condition", condition_words),
        ]}),
        SOURCE_FIELDSET,
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("source_state", "target_state")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name in ("source_state", "target_state"):
            procedure_id = edited_procedure_id(request)
            kwargs["queryset"] = (
                State.objects.filter(procedure_id=procedure_id) if procedure_id else State.objects.none())
            kwargs["help_text"] = _("只能选择本流程已保存的环节；新增的环节须先保存。")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class RequirementInline(PartInline):
    classes = ["collapse"]
    model = Requirement
    fieldsets = [
        (None, {"fields": [
            ("code", "name", "order"),
            ("form", "quantity", "any_of_group", "handed_back"),
            "description",
            ("condition", condition_words),
            ("held_when", held_when_words),
        ]}),
        SOURCE_FIELDSET,
    ]
    readonly_fields = [condition_words, held_when_words]


class FeeInline(PartInline):
    model = Fee
    fieldsets = [
        (None, {"fields": [
            ("code", "label", "priority"),
            ("amount_yuan", "is_waiver"),
            ("valid_from", "valid_to"),
            ("condition", condition_words),
        ]}),
        SOURCE_FIELDSET,
    ]


class NoticeInline(PartInline):
    classes = ["collapse"]
    model = Notice
    fieldsets = [
        (None, {"fields": [("code", "title", "severity", "order"), "text", ("condition", condition_words)]}),
        SOURCE_FIELDSET,
    ]


class UrgentOptionInline(PartInline):
    classes = ["collapse"]
    model = UrgentOption
    fieldsets = [
        (None, {"fields": [("code", "title", "fee_yuan", "order"), "text", ("ready_after", "ready_within_days"),
                           ("condition", condition_words)]}),
        SOURCE_FIELDSET,
    ]


class ValidityRuleInline(PartInline):
    classes = ["collapse"]
    model = ValidityRule
    fieldsets = [
        (None, {"fields": [("min_age", "max_age", "years"), ("condition", condition_words)]}),
        SOURCE_FIELDSET,
    ]


class TimeLimitInline(PartInline):
    classes = ["collapse"]
    model = TimeLimit
    fieldsets = [
        (None, {"fields": [("kind", "amount", "unit"), ("label", "priority"), ("condition", condition_words)]}),
        SOURCE_FIELDSET,
    ]


class RegionRuleInline(ContentFormMixin, admin.TabularInline):
    model = RegionRule
    extra = 0
    fields = ["topic", "applies", "days", "unit", "note", *SOURCED_FIELDS]
