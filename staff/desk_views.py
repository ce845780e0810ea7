"""The desk's work queue: tabs by status, search, sorting, the look-up by code, and batch moves."""
from urllib.parse import urlencode

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from wizard.models import Plan, format_code

from . import queue, selectors, services
from .forms import BatchMoveForm, LookupForm, QueueForm
from .views import LOOKED_UP, DeskAccessMixin, lookup_allowed, page_of, too_many, who_moved_it

RECENT_PLANS = 20
# The queue's columns: (label, sort key or None when the column does not sort).
COLUMNS = [
    (gettext_lazy("查询码"), "code"), (gettext_lazy("状态"), "status"), (gettext_lazy("当前环节"), None),
    (gettext_lazy("受理日期"), "accepted"), (gettext_lazy("预计可领证"), "ready"),
    (gettext_lazy("法定期限"), "deadline"), (gettext_lazy("超期天数"), "overdue"),
    (gettext_lazy("申请人"), None), (gettext_lazy("电话"), None),
]

def _query(**params):
    """Return a query string of the non-empty parameters, in a fixed order."""
    return urlencode([(key, value) for key, value in params.items() if value])


def _desk(**params):
    """Return the desk's address with those parameters (absolute: the batch page shows the desk too)."""
    query = _query(**params)
    return reverse("staff:desk") + (f"?{query}" if query else "")


def choices_of(request):
    """Return the tab, the search and the sort the request asks for (defaults where the form refuses them)."""
    form = QueueForm(request.GET)
    if not form.is_valid():
        return form, queue.ALL, "", queue.DEFAULT_SORT
    sort = form.cleaned_data["sort"] or queue.DEFAULT_SORT
    if sort.removeprefix("-") not in queue.SORTS:
        sort = queue.DEFAULT_SORT
    return form, form.cleaned_data["status"], form.cleaned_data["q"].strip(), sort


def columns_of(status, search, sort):
    """Return the queue's column headers: each sortable one a plain GET link; a second click reverses it."""
    columns = []
    for label, key in COLUMNS:
        column = {"label": label, "url": None, "aria_sort": None, "css": "num" if key == "overdue" else ""}
        if key is not None:
            current = sort.removeprefix("-") == key
            reversed_ = sort.startswith("-")
            column["url"] = _desk(q=search, status=status, sort=f"-{key}" if current and not reversed_ else key)
            if current:
                # Days overdue grow as the due date goes back: the earliest due date first is the most days first.
                ascending = reversed_ if key == "overdue" else not reversed_
                column["aria_sort"] = "ascending" if ascending else "descending"
        columns.append(column)
    return columns

def desk_context(request, office, form, kept=None):
    """Return what the desk page shows: the look-up form and, for an office, its queue."""
    context = {"office": office, "form": form, "kept_picks": set(), "kept_target": "", "kept_note": ""}
    if kept:
        context.update(kept)
    if office is None:
        return context
    today = timezone.localdate()
    queue_form, status, search, sort = choices_of(request)
    work = queue.desk_queue(office, status=status, text=search, sort=sort, today=today)
    if status and status not in {tab.key for tab in work.tabs}:
        status = queue.ALL  # a tab that no longer exists: show them all rather than nothing
        work = queue.desk_queue(office, status=status, text=search, sort=sort, today=today)
    shown_sort = sort if sort != queue.DEFAULT_SORT else ""  # the default stays out of the addresses
    for tab in work.tabs:
        tab.label = tab.label or _("全部")
        tab.url = _desk(q=search, status=tab.key, sort=shown_sort)
    query = _query(q=search, status=status, sort=shown_sort)
    page = queue.mark_days_overdue(page_of(request, work.rows, work.count), today)
    selectors.overdue_count(office, today, counted=work.overdue_count)  # the navigation shows the same
    context.update(
        queue_form=queue_form, status=status, search=search, sort=sort, default_sort=queue.DEFAULT_SORT,
        tabs=work.tabs, overdue_count=work.overdue_count, targets=work.targets, query=query,
        here=_query(q=search, status=status, sort=shown_sort, page=request.GET.get("page", "")),
        columns=columns_of(status, search, sort), open_applications=page,
        clear_search_url=_desk(status=status, sort=shown_sort),
        recent_plans=selectors.recent_plans(office, RECENT_PLANS),
    )
    return context


class DeskView(DeskAccessMixin, View):
    def get(self, request):
        return render(request, "staff/desk.html", desk_context(request, self.office, LookupForm()))


class LookupView(DeskAccessMixin, View):
    def get(self, request):
        form = LookupForm(request.GET)
        if not lookup_allowed(request):
            return too_many(request, self.office)
        if not form.is_valid():
            return render(request, "staff/desk.html", desk_context(request, self.office, form))
        code = form.cleaned_data["code"]
        if not Plan.objects.filter(code=code).exists():
            form.add_error("code", _("找不到查询码 %(code)s，请核对。") % {"code": code})
            return render(request, "staff/desk.html", desk_context(request, self.office, form), status=404)
        # Counted once: the plan page this leads to does not count it again.
        request.session[LOOKED_UP] = code
        return redirect("staff:plan", code=code)


class BatchMoveView(DeskAccessMixin, View):
    """Move the ticked applications to one state: each through the service, each refusal reported by its code."""

    http_method_names = ["post", "options"]

    def post(self, request):
        back = reverse("staff:desk") + (f"?{request.GET.urlencode()}" if request.GET else "")
        if self.office is None:
            messages.error(request, _("您的账号还没有分配受理点，请联系管理员。"))
            return redirect(back)
        form = BatchMoveForm(request.POST)
        if not form.is_valid():
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
            return redirect(back)
        picks, target = form.cleaned_data["pick"], form.cleaned_data["target"]
        note = form.cleaned_data["note"]
        if not form.cleaned_data["confirm"]:
            closing = [a for a in selectors.applications_by_code(self.office, [code for code, _r in picks])
                       if services.closes(a, target)]
            if closing:
                return render(request, "staff/batch_confirm.html", {
                    "office": self.office, "closing": closing, "picks": picks, "target": target, "note": note,
                    "state": selectors.state_name(closing[0], target), "back": back,
                    "action": request.get_full_path()})
        moved, refused = services.move_applications(
            office=self.office, picks=picks, target=target, user=request.user, note=note)
        if moved:
            messages.success(request, _("已把 %(count)s 份申请改为“%(status)s”（%(state)s）：%(codes)s。") % {
                "count": len(moved), "status": selectors.application_status(moved[0]), "state": moved[0].state_name,
                "codes": _("、").join(a.plan.display_code for a in moved)})
        for code, application, refusal in refused:
            reason = str(refusal)
            if isinstance(refusal, services.StaleApplication):
                reason = _("%(reason)s %(who)s。") % {"reason": reason, "who": who_moved_it(application)}
            messages.error(request, _("%(code)s 未更新：%(reason)s") % {"code": format_code(code), "reason": reason})
        if not refused:
            return redirect(back)
        # Keep what the clerk chose and typed, with the refused rows still ticked, to try again.
        kept = {"kept_picks": {code for code, _a, _r in refused}, "kept_target": target, "kept_note": note}
        return render(request, "staff/desk.html", desk_context(request, self.office, LookupForm(), kept))
