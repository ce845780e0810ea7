from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import Application, ApplicationEvent, Office, StaffMembership
from .selectors import mask_name, mask_phone


@admin.register(Office)
class OfficeAdmin(admin.ModelAdmin):
    list_display = ["name", "region", "address"]
    search_fields = ["name", "region__name", "region__code"]
    autocomplete_fields = ["region"]


@admin.register(StaffMembership)
class StaffMembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "office"]
    list_select_related = ["user", "office"]
    search_fields = ["user__username", "office__name"]
    autocomplete_fields = ["office"]


class EventInline(admin.TabularInline):
    model = ApplicationEvent
    extra = 0
    can_delete = False
    fields = ["at", "from_state", "to_state", "label", "note", "actor"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin):
    """Read-only: applications move only through the desk, which records each move."""

    list_display = ["plan", "office", "state_name", "accepted_on", "card_ready_due", "statutory_due",
                    "is_closed", "masked_name", "masked_phone"]
    list_filter = ["is_closed", "office"]
    list_select_related = ["plan", "office"]
    search_fields = ["plan__code"]
    exclude = ["applicant_name", "applicant_phone"]
    inlines = [EventInline]

    @admin.display(description=_("姓名"))
    def masked_name(self, obj):
        return mask_name(obj.applicant_name)

    @admin.display(description=_("电话"))
    def masked_phone(self, obj):
        return mask_phone(obj.applicant_phone)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
