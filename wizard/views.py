"""The applicant's pages."""
from django.views.generic import TemplateView


class StartView(TemplateView):
    template_name = "wizard/start.html"


class ApplyWizard:
    """Placeholder until the wizard lands: the start page's button leads here."""

    @classmethod
    def entry_view(cls):
        return StartView.as_view()
