from django.urls import path, re_path

from . import desk_views, views

app_name = "staff"
urlpatterns = [
    path("", desk_views.DeskView.as_view(), name="desk"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("lookup/", desk_views.LookupView.as_view(), name="lookup"),
    path("batch/", desk_views.BatchMoveView.as_view(), name="batch_move"),
    path("overdue/", views.OverdueView.as_view(), name="overdue"),
    path("walk-in/", views.WalkInWizard.as_view(), name="walk_in"),
    re_path(r"^walk-in/(?P<step>[a-z_]+)/$", views.WalkInWizard.as_view(), name="walk_in_step"),
    path("plan/<str:code>/", views.PlanView.as_view(), name="plan"),
    path("plan/<str:code>/recompute/", views.RecomputeView.as_view(), name="recompute"),
    path("plan/<str:code>/open/", views.OpenApplicationView.as_view(), name="open_application"),
    path("applications/<str:code>/", views.ApplicationView.as_view(), name="application"),
    path("applications/<str:code>/print/", views.ApplicationPrintView.as_view(), name="application_print"),
    path("applications/<str:code>/move/", views.MoveView.as_view(), name="move"),
    path("applications/<str:code>/phone/", views.PhoneView.as_view(), name="phone"),
]
