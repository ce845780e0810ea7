"""The applicant's start page (the question wizard itself is ``flow.ApplyWizard``)."""
from django.views.generic import TemplateView


class StartView(TemplateView):
    template_name = "wizard/start.html"
