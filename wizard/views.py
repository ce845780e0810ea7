"""The applicant's pages."""
from django.views.generic import TemplateView


class StartView(TemplateView):
    template_name = "wizard/start.html"
