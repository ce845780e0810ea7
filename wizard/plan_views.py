"""The plan's pages: checklist and timeline, print view, calendar file, look-up by code."""
from django.views.generic import TemplateView


class PlanLookupView(TemplateView):
    template_name = "plan/lookup.html"


class PlanView(TemplateView):
    template_name = "plan/plan.html"


class PlanPrintView(TemplateView):
    template_name = "plan/print.html"


class PlanCalendarView(TemplateView):
    template_name = "plan/plan.html"
