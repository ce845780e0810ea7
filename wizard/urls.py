from django.urls import path, re_path

from . import plan_views, preferences, views
from .flow import ApplyWizard

app_name = "wizard"
urlpatterns = [
    path("", views.StartView.as_view(), name="start"),
    path("apply/", ApplyWizard.as_view(), name="apply"),
    re_path(r"^apply/(?P<step>[a-z_]+)/$", ApplyWizard.as_view(), name="apply_step"),
    path("text-size/", preferences.text_size, name="text_size"),
    path("plan/", plan_views.PlanLookupView.as_view(), name="plan_lookup"),
    path("plan/<str:code>/", plan_views.PlanView.as_view(), name="plan"),
    path("plan/<str:code>/change/", plan_views.ChangeAnswers.as_view(), name="plan_change"),
    path("plan/<str:code>/print/", plan_views.PlanPrintView.as_view(), name="plan_print"),
    path("plan/<str:code>/calendar.ics", plan_views.PlanCalendarView.as_view(), name="plan_ics"),
]
