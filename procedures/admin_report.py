"""The content report in the admin: every fact, its source and confidence, filtered by flag with plain links.

The page lives among the admin's (``admin_urls``, wired in ``config.urls``), under its
sign-in; it needs the permission to view procedures. The rows come from ``report``.
"""
from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from . import report
from .models import Procedure
from .parts import by_name
from .selectors import STALE_AFTER_DAYS

VIEW = "procedures.view_procedure"
URL_NAME = "procedures_content_report"


def row_url(row, site):
    """Return the admin URL where a row is edited: its own page, or its form on its version's page; or ''."""
    if row.owner_pk is not None:
        part = by_name(row.model)
        return (reverse(f"{site.name}:procedures_procedure_change", args=[row.owner_pk])
                + f"#{part.accessor}-{row.position}")
    if not site.is_registered(apps.get_model("procedures", row.model)):
        return ""
    return reverse(f"{site.name}:procedures_{row.model}_change", args=[row.pk])


def filter_links(rows, current):
    """Return the filter links (all, any flag, each flag) with their counts, the current one marked."""
    counts = report.flag_counts(rows)
    choices = [("", _("全部"), len(rows)), (report.ANY, _("有任一标记"), sum(1 for row in rows if row.flags))]
    choices += [(flag.value, flag.label, counts[flag.value]) for flag in report.Flag]
    return [{"code": code, "label": label, "count": count, "current": code == current,
             "query": "?" + urlencode({"flag": code}) if code else "?"}
            for code, label, count in choices]


def content_report_view(request, site):
    """Show the content report, filtered by the ``flag`` in the query (an unknown one shows every row)."""
    if not request.user.has_perm(VIEW):
        raise PermissionDenied
    today = timezone.localdate()
    rows = report.content_report(today)
    flag = request.GET.get("flag", "")
    if flag not in (report.ANY, *report.Flag.values):
        flag = ""
    shown = report.select(rows, flag)
    return TemplateResponse(request, "admin/procedures/content_report.html", {
        **site.each_context(request),
        "opts": Procedure._meta,
        "title": _("内容报告：来源、可信度与核对日期"),
        "today": today,
        "stale_days": STALE_AFTER_DAYS,
        "filters": filter_links(rows, flag),
        "flag_label": report.Flag(flag).label if flag in report.Flag.values else "",
        "only_flagged": flag == report.ANY,
        "items": [{"row": row, "url": row_url(row, site)} for row in shown],
    })


def admin_urls(site):
    """Return the report's URL pattern, to be served among the admin ``site``'s own (and named like them)."""
    def view(request):
        return content_report_view(request, site)
    return [path("procedures/content-report/", site.admin_view(view), name=URL_NAME)]
