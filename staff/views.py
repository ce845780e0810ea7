"""The counter's desk. Every view needs a signed-in user with the desk permission."""
import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView
from django_ratelimit.core import is_ratelimited

from wizard.flow import ApplyWizard
from wizard.models import Plan, normalise_code
from wizard.sheets import page_context, qr_svg

from . import selectors, services
from .forms import MoveForm, OpenApplicationForm
from .models import Application
from .queue import mark_days_overdue

DESK_PERMISSION = "staff.use_desk"
PAGE_SIZE = 50
# Session keys: when the desk was first used in this session, and the code a look-up just counted.
SESSION_STARTED = "staff_session_started"
LOOKED_UP = "staff_looked_up"


def working_day_over(session):
    """Start a desk session's clock and make it end at browser close; return True once a working day is over.

    The counter PC is shared: a clerk who forgets to sign out must not leave the
    desk open for the next shift, whichever way the session was signed in.
    """
    now = int(time.time())
    started = session.setdefault(SESSION_STARTED, now)
    if not session.get_expire_at_browser_close():
        session.set_expiry(0)
    return now - started > settings.STAFF_SESSION_SECONDS


class DeskAccessMixin:
    """Anonymous → the login page; signed in without the desk permission → 403; a day-old session → signed out."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not request.user.has_perm(DESK_PERMISSION):
            raise PermissionDenied
        if working_day_over(request.session):
            logout(request)
            messages.info(request, _("登录已超过一个工作日，请重新登录。"))
            return redirect_to_login(request.get_full_path())
        self.office = request.desk_office = selectors.office_of(request.user)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["office"] = self.office
        return context


class LoginView(auth_views.LoginView):
    template_name = "staff/login.html"
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    http_method_names = ["post", "options"]


def lookup_rate(group, request):
    """Return the look-up limit, read on every request (tests and the soak change it)."""
    return f"{settings.LOOKUP_RATE_LIMIT_PER_MINUTE}/m"


def lookup_allowed(request):
    """Count one look-up; return False past the per-minute limit (per user, in the shared cache)."""
    return not is_ratelimited(request, group="staff-lookup", key="user", rate=lookup_rate, increment=True)


def refuse_public_lookup(request):
    """Count a clerk's opening of a plan's public page as a look-up; return the 429 page past the limit.

    The desk's limit would mean little if the applicant's address of the same plan were not counted.
    """
    user = request.user
    if not (user.is_authenticated and user.has_perm(DESK_PERMISSION)) or lookup_allowed(request):
        return None
    request.desk_office = selectors.office_of(user)
    response = too_many(request, request.desk_office)
    add_never_cache_headers(response)
    return response


class CountedPaginator(Paginator):
    """A paginator told how many rows there are (the desk's tabs have just counted them): no COUNT query."""

    def __init__(self, rows, per_page, count):
        super().__init__(rows, per_page)
        self.__dict__["count"] = count  # Paginator.count is a cached property


def page_of(request, rows, count=None):
    """Return the page of ``rows`` the request's ``page`` parameter asks for (plain GET links, 50 a page)."""
    paginator = Paginator(rows, PAGE_SIZE) if count is None else CountedPaginator(rows, PAGE_SIZE, count)
    return paginator.get_page(request.GET.get("page"))


def too_many(request, office):
    return render(request, "staff/too_many.html", {"office": office}, status=429)


def plan_or_404(code):
    code = normalise_code(code)
    plan = Plan.objects.select_related("procedure").filter(code=code).first()
    if plan is None:
        raise Http404
    return plan


def plan_context(plan, office, open_form=None):
    application = Application.objects.filter(plan=plan).first()
    return {
        "plan": plan, "result": plan.computed, "application": application,
        "own_application": application is not None and office is not None and application.office_id == office.pk,
        "can_recompute": application is None or (office is not None and application.office_id == office.pk),
        "open_form": open_form or OpenApplicationForm(),
        "stale_reasons": selectors.stale_reasons(plan, office, application),
        "replaced_by": selectors.replaced_by(plan),
    }


class PlanView(DeskAccessMixin, TemplateView):
    """A plan by its code: typed into the address bar, it counts as a look-up (the same limit)."""

    template_name = "staff/plan.html"

    def get(self, request, *args, **kwargs):
        just_looked_up = request.session.pop(LOOKED_UP, None) == normalise_code(kwargs["code"])
        if not just_looked_up and not lookup_allowed(request):
            return too_many(request, self.office)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(plan_context(plan_or_404(self.kwargs["code"]), self.office))
        return context


class OpenApplicationView(DeskAccessMixin, View):
    def post(self, request, code):
        plan = plan_or_404(code)
        if self.office is None:
            messages.error(request, _("您的账号还没有分配受理点，请联系管理员。"))
            return redirect("staff:plan", code=plan.code)
        form = OpenApplicationForm(request.POST)
        if not form.is_valid():
            return render(request, "staff/plan.html", {"office": self.office, **plan_context(plan, self.office, form)})
        try:
            application = services.open_application(
                plan=plan, office=self.office, user=request.user, **form.cleaned_data)
        except services.MoveRefused as refusal:
            messages.error(request, str(refusal))
            return redirect("staff:plan", code=plan.code)
        messages.success(request, _("已受理。"))
        return redirect("staff:application", code=application.plan.code)


class RecomputeView(DeskAccessMixin, View):
    """Make a new plan from a plan's answers for today (in the office's city); an accepted one's case follows it."""

    http_method_names = ["post", "options"]

    def post(self, request, code):
        plan = plan_or_404(code)
        try:
            new = services.recompute_plan(plan=plan, office=self.office, user=request.user)
        except services.MoveRefused as refusal:
            messages.error(request, str(refusal))
            return redirect("staff:plan", code=plan.code)
        messages.success(request, _("已按今天重新计算，新查询码 %(new)s；原清单 %(old)s 保留不变。") % {
            "new": new.display_code, "old": plan.display_code})
        if Application.objects.filter(plan=new).exists():
            return redirect("staff:application", code=new.code)
        return redirect("staff:plan", code=new.code)


def application_or_404(code, office):
    application = (Application.objects.select_related("plan", "procedure", "office")
                   .filter(plan__code=normalise_code(code)).first())
    if application is None or office is None or application.office_id != office.pk:
        raise Http404
    return application


class ApplicationView(DeskAccessMixin, TemplateView):
    template_name = "staff/application.html"

    def get(self, request, *args, **kwargs):
        try:
            return super().get(request, *args, **kwargs)
        except Http404:
            # The code of a plan since recomputed (on the applicant's old paper): the case goes on under the new one.
            plan = Plan.objects.filter(code=normalise_code(kwargs["code"])).first()
            case = selectors.replaced_by(plan) if plan is not None else None
            if case is None or self.office is None or case.office_id != self.office.pk:
                raise
            return redirect("staff:application", code=case.plan.code)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        application = application_or_404(self.kwargs["code"], self.office)
        moves = services.allowed_moves(application)
        states = services.procedure_of(application).states_by_code
        context.update(
            application=application,
            moves=[(t, selectors.status_of(states[t.target])) for t in moves],
            status=selectors.application_status(application),
            events=application.events.select_related("actor", "replaced_plan"),
            name=selectors.mask_name(application.applicant_name),
            phone=(application.applicant_phone if kwargs.get("full_phone")
                   else selectors.mask_phone(application.applicant_phone)),
            full_phone=kwargs.get("full_phone", False),
            kept=kwargs.get("kept", ("", "")),
            kept_unplaced=kwargs.get("kept", ("", ""))[0] not in {t.target for t in moves},
            closing={t.target for t in moves if states[t.target].is_terminal},
            today=timezone.localdate(),
            stale_reasons=selectors.stale_reasons(application.plan, self.office, application),
        )
        return context


class ApplicationPrintView(DeskAccessMixin, TemplateView):
    """The print sheet of a case: the office that accepted it, and the timeline from the day it was accepted."""

    template_name = "plan/print.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        application = application_or_404(self.kwargs["code"], self.office)
        context.update(page_context(self.request, application.plan))
        computed_for = application.plan.computed.apply_date
        context.update(
            result=selectors.plan_as_accepted(application), accepted_on=application.accepted_on,
            # The plan was made for another day: its dates are moved, not worked out again (say so).
            moved_from=computed_for if computed_for and computed_for != application.accepted_on else None,
            # The case page offers a recompute: the screen says to press it before printing.
            recompute_offered=bool(selectors.stale_reasons(application.plan, self.office, application)),
            printing_office=application.office, printed_on=timezone.localdate(),
            back_url=reverse("staff:application", kwargs={"code": application.plan.code}),
            qr_svg=qr_svg(context["plan_url"], title=_("扫码打开这份清单")),
        )
        return context


class PhoneView(ApplicationView):
    """The case page with the full phone number, for a clerk of the application's own office; recorded."""

    http_method_names = ["post", "options"]

    def post(self, request, code):
        application = application_or_404(code, self.office)
        try:
            services.record_phone_view(application=application, user=request.user)
        except services.MoveRefused as refusal:
            messages.error(request, str(refusal))
            return redirect("staff:application", code=application.plan.code)
        return self.render_to_response(self.get_context_data(code=code, full_phone=True))


class MoveView(ApplicationView):
    """Move an application; a refused move shows the case again with the clerk's note kept."""

    http_method_names = ["post", "options"]

    def post(self, request, code):
        application = application_or_404(code, self.office)
        form = MoveForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("操作无效，请刷新页面后重试。"))
            return redirect("staff:application", code=application.plan.code)
        target, note = form.cleaned_data["target"], form.cleaned_data["note"]
        state = services.procedure_of(application).states_by_code.get(target)
        try:
            if state is not None and state.is_terminal and not form.cleaned_data["confirm"]:
                raise services.MoveRefused(_("“%(state)s”会结束这份申请，请勾选确认后再提交。") % {"state": state.name})
            services.move_application(application=application, target=target, note=note, user=request.user,
                                      expected_revision=form.cleaned_data["revision"])
        except services.MoveRefused as refusal:
            messages.error(request, str(refusal))
            if isinstance(refusal, services.StaleApplication):
                messages.info(request, moved_by_someone_else(application))
            return self.render_to_response(self.get_context_data(code=code, kept=(target, note)))
        messages.success(request, _("已更新为“%(state)s”。") % {"state": application.state_name})
        return redirect("staff:application", code=application.plan.code)


def who_moved_it(application):
    """Say who last moved an application, when, and to what (after another clerk was first)."""
    application.refresh_from_db()
    event = application.events.select_related("actor").last()
    return _("%(time)s %(user)s 已把它改为“%(state)s”") % {
        "time": timezone.localtime(event.at).strftime("%H:%M"), "user": event.actor.get_username(),
        "state": application.state_name}


def moved_by_someone_else(application):
    """Say who moved an application first, and that the clerk's note is kept (the case page)."""
    return _("%(who)s。您写的备注保留在下面，请确认后再操作。") % {"who": who_moved_it(application)}


class OverdueView(DeskAccessMixin, TemplateView):
    template_name = "staff/overdue.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["today"] = timezone.localdate()
        context["overdue"] = (
            mark_days_overdue(page_of(self.request, selectors.overdue_applications(self.office, context["today"])),
                              context["today"])
            if self.office else [])
        context["overdue_count"] = context["overdue"].paginator.count if self.office else 0
        if self.office:
            selectors.overdue_count(self.office, context["today"], counted=context["overdue_count"])
        return context


class WalkInWizard(DeskAccessMixin, ApplyWizard):
    """The applicant's wizard, answered at the counter on a walk-in applicant's behalf.

    Its answers are kept apart from the member of staff's own (the wizard keys its
    session state by class), and the plan records that staff made it, and who.
    """

    entry_url_name = "staff:walk_in"
    step_url_name = "staff:walk_in_step"
    channel = Plan.Channel.STAFF
    walk_in = True

    def plan_creator(self):
        return self.request.user

    def plan_url(self, code):
        return reverse("staff:plan", kwargs={"code": code})

    def get(self, request, step=None):
        # The desk's link starts every walk-in afresh: the last applicant's answers must not carry over.
        if step is None:
            return self.restart(_("新的代办问答已开始，上一位申请人的回答已清除。"))
        return super().get(request, step)

    def get_context_data(self, form, **kwargs):
        context = super().get_context_data(form=form, **kwargs)
        context["walk_in"] = self.walk_in
        return context
