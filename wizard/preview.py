"""Preview a draft: the applicant's wizard, answered against a catalogue where the draft is live.

Nothing is stored: the plan is computed and shown on the applicant's plan page,
under a banner saying it is a preview, and the answers stay in the (admin's)
session so they can be changed and the draft edited and previewed again. The
pages live among the admin's (``admin_urls``), under its sign-in.

A preview may be "as of a date" (按这一天预览): the answers are checked and the
plan computed as if that day were today, so a fee or a version taking effect next
month shows. Any version can be previewed, a published one too.
"""
import datetime

from django import forms
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, re_path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from procedures import engine, questions
from procedures.models import Procedure
from procedures.selectors import load_catalogue

from .flow import ApplyWizard
from .models import Plan
from .navigation import SUMMARY
from .plan_views import plan_context
from .services import compute_plan

PREVIEW_SESSION_KEY = "procedures_preview_draft"
PREVIEW_DAY_KEY = "procedures_preview_day"
PREVIEW_PERMISSION = "procedures.change_procedure"
# How far from today a preview may be dated: a year back, three years ahead.
DAYS_BACK, DAYS_AHEAD = 366, 3 * 366


class PreviewDayForm(forms.Form):
    """The day a preview treats as today; blank for today itself."""

    on = forms.DateField(
        label=gettext_lazy("按这一天预览"), required=False, input_formats=["%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": gettext_lazy("日期应写成 YYYY-MM-DD，例如 2027-01-01。")})

    def __init__(self, *args, today, **kwargs):
        super().__init__(*args, **kwargs)
        self.first = today - datetime.timedelta(days=DAYS_BACK)
        self.last = today + datetime.timedelta(days=DAYS_AHEAD)

    def clean_on(self):
        day = self.cleaned_data["on"]
        if day is not None and not self.first <= day <= self.last:
            raise forms.ValidationError(_("预览日期须在 %(first)s 到 %(last)s 之间。") % {
                "first": self.first.isoformat(), "last": self.last.isoformat()})
        return day


def start_preview(request, pk):
    """Remember which version the admin previews, and as of which day; return the wizard's first page."""
    if not request.user.has_perm(PREVIEW_PERMISSION):
        raise PermissionDenied
    procedure = get_object_or_404(Procedure, pk=pk)
    form = PreviewDayForm(request.GET, today=timezone.localdate())
    if not form.is_valid():
        for error in form.errors["on"]:
            messages.error(request, _("没有开始预览：%(error)s") % {"error": error})
        return redirect("admin:procedures_procedure_change", procedure.pk)
    day = form.cleaned_data["on"]
    request.session[PREVIEW_SESSION_KEY] = procedure.pk
    if day is None:
        request.session.pop(PREVIEW_DAY_KEY, None)
        messages.info(request, _("正在预览 %(procedure)s：按它的内容计算，不会保存办事计划。") % {
            "procedure": procedure})
    else:
        request.session[PREVIEW_DAY_KEY] = day.isoformat()
        messages.info(request, _("正在预览 %(procedure)s：按它的内容、以 %(day)s 为“今天”计算（当天生效的费用和"
                                 "版本），不会保存办事计划。") % {"procedure": procedure, "day": day.isoformat()})
    return redirect(reverse("admin:procedures_procedure_preview") + "?reset=1")


class PreviewWizard(ApplyWizard):
    """The applicant's questions; at the end, the plan the draft would give, not saved."""

    entry_url_name = "admin:procedures_procedure_preview"
    step_url_name = "admin:procedures_procedure_preview_step"

    def draft(self):
        if not hasattr(self, "_draft"):
            pk = self.request.session.get(PREVIEW_SESSION_KEY)
            self._draft = Procedure.objects.filter(pk=pk).first() if pk else None
        return self._draft

    def planning_day(self):
        day = self.request.session.get(PREVIEW_DAY_KEY)  # validated when the preview started
        return datetime.date.fromisoformat(day) if day else super().planning_day()

    def catalogue(self):
        draft = self.draft()
        if draft is None:
            return None
        if not hasattr(self, "_catalogue"):
            self._catalogue = load_catalogue(self.today, replace=draft)
        return self._catalogue

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not request.user.has_perm(PREVIEW_PERMISSION):
            raise PermissionDenied
        if self.draft() is None:
            messages.warning(request, _("请先在某个流程版本的页面上点“预览”。"))
            return redirect("admin:procedures_procedure_changelist")
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["preview_procedure"] = self.draft()
        return context

    def done(self, answers):
        """Show the plan the draft gives for these answers, as the applicant would see it; store nothing."""
        draft = self.draft()
        links = {
            "draft": draft,
            "summary_url": self.step_url(SUMMARY),
            "draft_url": reverse("admin:procedures_procedure_change", args=[draft.pk]),
            "preview_day": self.today if PREVIEW_DAY_KEY in self.request.session else None,
        }
        try:
            plan, result = compute_plan(answers, today=self.today, regions=self.regions, catalogue=self.catalogue())
        except engine.EngineError as error:
            # A draft is allowed to be broken while it is edited; say what the engine met and
            # send the admin to the checks, keeping the answers for the next preview.
            return render(self.request, "wizard/preview_error.html", {
                **links, "error": str(error),
                "publish_url": reverse("admin:procedures_procedure_publish", args=[draft.pk]),
            })
        unsaved = Plan(answers=questions.to_json(answers), result=result, procedure_slug=plan.procedure,
                       procedure_version=plan.procedure_version, outcome=plan.outcome, computed_for=self.today,
                       channel=self.channel)
        return render(self.request, "wizard/preview_plan.html", {
            **plan_context(self.request, unsaved), **links,
            "uses_draft": plan.procedure == draft.slug or any(step.procedure == draft.slug for step in plan.steps),
        })


def admin_urls(site):
    """Return the preview's URL patterns, to be served among the admin ``site``'s own (and named like them)."""
    wizard = site.admin_view(PreviewWizard.as_view())
    opts = Procedure._meta
    base = f"{opts.app_label}/{opts.model_name}"
    return [
        path(f"{base}/preview/", wizard, name="procedures_procedure_preview"),
        re_path(rf"^{base}/preview/(?P<step>[a-z_]+)/$", wizard, name="procedures_procedure_preview_step"),
        path(f"{base}/<int:pk>/preview/", site.admin_view(start_preview), name="procedures_procedure_start_preview"),
    ]
