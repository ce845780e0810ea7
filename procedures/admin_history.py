"""The admin's history of regions, region rules and the office directory: a list per row, what a past
version differs in from the current one, and restoring it (django-simple-history's revert).

A restore saves the row through the admin's form like any change, so it is validated, recorded in
the history and invalidates the cached regions (``signals``) exactly as a save does.
"""
from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.admin import SimpleHistoryAdmin

from . import history


def _number(value):
    """Return a whole number from a URL part, or raise Http404 (never a 500 for a typed address)."""
    try:
        number = int(unquote(str(value)))
    except ValueError:
        raise Http404 from None
    if number <= 0:
        raise Http404
    return number


def when(record):
    """Return a record's time as the admin shows it (local time, to the minute)."""
    return timezone.localtime(record.history_date).strftime("%Y-%m-%d %H:%M")


class HistoryAdmin(SimpleHistoryAdmin):
    """``SimpleHistoryAdmin`` with Chinese pages, differences in words and restores checked for permission."""

    object_history_template = "admin/procedures/history/object_history.html"
    object_history_list_template = "admin/procedures/history/object_history_list.html"
    object_history_form_template = "admin/procedures/history/object_history_form.html"
    history_list_per_page = 50

    def history_view(self, request, object_id, extra_context=None):
        _number(object_id)
        return super().history_view(request, object_id, extra_context=extra_context)

    def history_view_title(self, request, obj):
        return _("修改历史：%(object)s") % {"object": obj}

    def set_history_delta_changes(self, request, historical_records, foreign_keys_are_objs=True):
        """Give each listed record the changes it made, by field label and in words."""
        records = list(historical_records)
        for index, record in enumerate(records):
            # The oldest on a page follows one on the next page (or none: it is the first).
            previous = records[index + 1] if index + 1 < len(records) else record.prev_record
            record.history_delta_changes = history.changes_made(record, previous)
            record.history_when = when(record)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        pk, history_id = _number(object_id), _number(version_id)
        model = self.model.history.model
        record = get_object_or_404(model, id=pk, history_id=history_id)
        current = history.current_of(record)
        request.history_record = record
        if request.method == "POST":
            # simple-history's view saves for anyone who may see the history: restoring is a change.
            if not self.has_change_permission(request, current or record.instance):
                raise PermissionDenied
            request.history_restoring = True
        context = {
            "record": record,
            "record_when": when(record),
            "restore_changes": history.changes_to_restore(record),
            "current_deleted": current is None,
            **(extra_context or {}),
        }
        return super().history_form_view(request, str(pk), str(history_id), extra_context=context)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        widget = getattr(field, "widget", None)
        if getattr(request, "history_record", None) is not None and isinstance(
                getattr(widget, "widget", widget), AutocompleteSelect):
            # The widget renders only the chosen option, and a required select may not start with a real
            # choice (invalid HTML): drop the attribute, the form still requires a value.
            widget.use_required_attribute = lambda initial: False
        return field

    def history_form_view_title(self, request, obj):
        return _("%(object)s：%(when)s 的版本") % {"object": obj, "when": when(request.history_record)}

    def revert_disabled(self, request, obj=None):
        return not self.has_change_permission(request, obj)

    def save_model(self, request, obj, form, change):
        if getattr(request, "history_restoring", False):
            obj._change_reason = _("恢复为 %(when)s 的版本") % {"when": when(request.history_record)}
        super().save_model(request, obj, form, change)

    def response_change(self, request, obj):
        if not getattr(request, "history_restoring", False):
            return super().response_change(request, obj)
        messages.success(request, _("已把“%(object)s”恢复为 %(when)s 的版本。") % {
            "object": obj, "when": when(request.history_record)})
        opts = self.model._meta
        return redirect(f"admin:{opts.app_label}_{opts.model_name}_history", obj.pk)
