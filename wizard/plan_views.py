"""The plan's pages: checklist and timeline, print view, calendar file, look-up by code."""
import datetime
import unicodedata
import zoneinfo

import icalendar
from django.contrib import messages
from django.core.cache import cache
from django.http import Http404, HttpResponse
from django.http.request import split_domain_port
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views import View
from django.views.generic import TemplateView

from procedures import questions

from .flow import ApplyWizard
from .kept_pages import PAGE_TIMEOUT, fill_live_parts, page_key
from .models import CODE_ALPHABET, CODE_LENGTH, Plan, normalise_code
from .navigation import SUMMARY, State, city_step, prune
from .selectors import application_status_for, may_be_staff, printing_office_for, refused_lookup
from .sheets import page_context, qr_svg

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
# Anything much longer than a code with dashes and spaces is not worth normalising.
LONGEST_TYPED_CODE = 64


def plan_get(code):
    """Return the Plan for a code as typed (dashes, spaces, any case, full-width), or None."""
    if not isinstance(code, str) or len(code) > LONGEST_TYPED_CODE:
        return None
    # A Chinese input method in full-width mode types ７ＶＸ９Ａ for 7VX9A.
    code = normalise_code(unicodedata.normalize("NFKC", code))
    if len(code) != CODE_LENGTH or any(ch not in CODE_ALPHABET for ch in code):
        return None
    return Plan.objects.filter(code=code).first()


NOT_FOUND = _lazy("没有找到这个查询码。请对照打印件或截图检查后重新输入。")


def not_found(request, typed):
    """Answer an unknown code with the look-up page (404): what went wrong, and the field to try again."""
    shown = "".join(ch for ch in typed[:LONGEST_TYPED_CODE] if ch.isprintable())
    context = {"error": NOT_FOUND, "not_found": True, "typed": shown}
    return render(request, PlanLookupView.template_name, context, status=404)


class PlanMixin:
    """Load the plan named in the URL; send other spellings of its code to the canonical URL."""

    url_name = "wizard:plan"

    def dispatch(self, request, *args, code, **kwargs):
        self.plan = plan_get(code)
        if self.plan is None:
            return not_found(request, code)
        if code != self.plan.code:
            return redirect(reverse(self.url_name, kwargs={"code": self.plan.code}), permanent=True)
        return super().dispatch(request, *args, **kwargs)

    def plan_url(self):
        return self.request.build_absolute_uri(self.plan.get_absolute_url())


def live_context(request, plan):
    """Return what a plan's page shows that changes or depends on who looks: the application, staff links."""
    context = {"plan": plan}
    if plan.pk is not None:
        context["application"] = application_status_for(plan)
    if may_be_staff(request) and request.user.is_authenticated:
        context["printing_office"] = printing_office_for(request.user)
        # A clerk who opened the printout's QR code goes on from here to accept the application.
        context["at_the_desk"] = request.user.has_perm("staff.use_desk")
    return context


def plan_context(request, plan):
    """Return what a plan's pages show of ``plan``; an unsaved one (an admin's preview) has no address."""
    return {**page_context(request, plan), **live_context(request, plan)}


class KeptPlanPage(PlanMixin, TemplateView):
    """A plan page rendered once per plan, language, text size and deployed version, and kept in the cache.

    A kept page is served without reading the plan; the ``{% live %}`` parts
    (``live_parts``) are rendered for every request from ``live_context``.
    """

    live_parts = {}  # template of a {% live %} part -> the context value it shows

    def dispatch(self, request, *args, code, **kwargs):
        refused = refused_lookup(request)
        if refused is not None:
            return refused
        self.key = page_key(request, self.template_name, code)
        kept = cache.get(self.key) if self.key else None
        if kept is not None:
            # The live parts only need the plan's id and code.
            return self.respond(Plan(pk=kept["plan_id"], code=code), kept["html"])
        return super().dispatch(request, *args, code=code, **kwargs)

    def live_context(self, plan):
        return live_context(self.request, plan)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(page_context(self.request, self.plan), live_markers=set())
        return context

    def get(self, request, *args, **kwargs):
        html = render_to_string(self.template_name, self.get_context_data(**kwargs), request)
        if self.key:
            cache.set(self.key, {"plan_id": self.plan.pk, "html": html}, PAGE_TIMEOUT)
        return self.respond(self.plan, html)

    def respond(self, plan, html):
        return HttpResponse(fill_live_parts(html, self.live_parts, self.live_context(plan)))


class PlanView(KeptPlanPage):
    template_name = "plan/plan.html"
    live_parts = {"plan/_application_status.html": "application", "plan/_desk_link.html": "at_the_desk"}


class PlanPrintView(KeptPlanPage):
    template_name = "plan/print.html"
    url_name = "wizard:plan_print"
    live_parts = {"plan/_printing_office.html": "printing_office", "plan/_printed_on.html": "printed_on"}

    def live_context(self, plan):
        return {**super().live_context(plan), "printed_on": timezone.now().astimezone(SHANGHAI).date()}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["qr_svg"] = qr_svg(context["plan_url"], title=_("扫码打开这份清单"))
        return context


class PlanCalendarView(PlanMixin, View):
    url_name = "wizard:plan_ics"

    def get(self, request):
        host, _port = split_domain_port(request.get_host())
        events = plan_milestones(self.plan)
        if not events:
            raise Http404(_("这份计划没有可以放进日历的日期。"))
        body = calendar_text(self.plan, events, url=self.plan_url(), host=host or "localhost")
        response = HttpResponse(body.encode("utf-8"), content_type="text/calendar; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="plan-{self.plan.code}.ics"'
        return response


class PlanLookupView(TemplateView):
    """Open a plan by its code (GET ?code=...)."""

    template_name = "plan/lookup.html"

    def get(self, request, *args, **kwargs):
        typed = request.GET.get("code")
        if typed is None:
            return self.render_to_response(self.get_context_data())
        if not normalise_code(typed[:LONGEST_TYPED_CODE + 1]):
            context = self.get_context_data(error=_("请输入查询码。"), typed=typed[:LONGEST_TYPED_CODE])
            return render(request, self.template_name, context)
        refused = refused_lookup(request)
        if refused is not None:
            return refused
        plan = plan_get(typed)
        if plan is not None:
            return redirect(plan)
        return not_found(request, typed)


# --- iCalendar (RFC 5545) ----------------------------------------------------------------

def plan_milestones(plan):
    """Return (slug, date, summary, detail) for each dated milestone of the plan."""
    result = plan.computed
    where = result.apply_step.where if result.apply_step else ""
    candidates = []
    if not result.not_applicable:
        candidates.append(("apply", result.apply_date,
                           _("身份证：去办理%(procedure)s") % {"procedure": result.procedure_name},
                           _("地点：%(where)s") % {"where": where} if where else ""))
    candidates += [
        ("card-ready", result.card_ready.date, _("身份证：新证最晚约在今天可领"), ""),
        ("statutory-deadline", result.deadline.date, _("身份证：法定发证最迟日期"),
         _("按法律规定，最迟应在这一天前发证。")),
        ("photo-receipt-expiry", result.photo_receipt.expiry, _("身份证：照片回执到期"),
         _("过期后不能延期，只能重新办理。")),
        ("renewal-window-opens", result.renewal_window_opens, _("身份证：从今天起可以换领"), ""),
    ]
    return [(slug, day, summary, detail) for slug, day, summary, detail in candidates if day is not None]


def plain_text(text):
    """Return admin-entered text for a calendar value: no tags, line breaks as newlines.

    The file is plain text, but some calendar apps render HTML in a description, so
    tags are dropped; a lone carriage return becomes a newline for icalendar to escape.
    """
    return strip_tags(str(text)).replace("\r\n", "\n").replace("\r", "\n")


def calendar_text(plan, events, *, url, host):
    """Return the plan's milestones as an iCalendar document (all-day events), written by icalendar.

    icalendar escapes TEXT values and folds lines at 75 octets without splitting a
    character. UIDs and DTSTAMP come from the plan, so the same plan gives the same file.
    """
    stamp = (plan.created_at or timezone.now()).astimezone(datetime.UTC).replace(microsecond=0)
    calendar = icalendar.Calendar()
    calendar.add("version", "2.0")
    calendar.add("prodid", "-//shenfenzheng-guide//plan//ZH")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", icalendar.vText(plain_text(_("身份证办理") + " " + plan.display_code)))
    for slug, day, summary, detail in events:
        description = "\n".join(part for part in (
            detail, _("查询码：%(code)s") % {"code": plan.display_code},
            _("查看清单：%(url)s") % {"url": url}) if part)
        event = icalendar.Event()
        event.add("uid", f"{plan.code}-{slug}@{host}")
        event.add("dtstamp", stamp)
        event.add("dtstart", day)
        event.add("dtend", day + datetime.timedelta(days=1))
        event.add("summary", plain_text(summary))
        event.add("description", plain_text(description))
        event.add("url", url)
        event.add("transp", "TRANSPARENT")
        calendar.add_component(event)
    return calendar.to_ical().decode("utf-8")


class ChangeAnswers(ApplyWizard):
    """"修改回答" on a plan: its answers back in the applicant's wizard, at the summary (or the page to fix)."""

    prefix = ApplyWizard.prefix  # the applicant's wizard's session state and fields, not a wizard of its own

    def get(self, request, code):
        plan = plan_get(code)
        if plan is None:
            return not_found(request, code)
        step = self.load_plan(plan)
        if step == SUMMARY:
            message = _("这是这份清单的回答。改好后点“生成我的办事清单”会生成一份新清单，原来的查询码仍然可以用。")
            return self.go(SUMMARY, message=message)
        return self.go(step, message=_("这份清单里有的回答按今天的日期要重新填写，请检查这一步。"),
                       level=messages.WARNING)

    def load_plan(self, plan):
        """Put a plan's answers back in the wizard, each checked again for today; return the page to open."""
        state = State()
        for key, value in plan.answers.items():
            if key not in questions.BY_KEY:
                continue
            state.answers[key] = value
            region = self.regions(value) if city_step(questions.BY_KEY[key]) is not None else None
            if region is not None:  # the province page's answer, as if the person had chosen it there
                state.provinces[key] = region.province_code
        _answers, problems = questions.clean_answers(state.values(), today=self.today, regions=self.regions)
        state.set_aside(problems)
        self.state = state
        self.request.session[self.last_plan_key] = plan.code
        position = prune(self.state, regions=self.regions, places=self.places)
        self.save()
        return position.first_open

