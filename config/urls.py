"""Top-level URL routes."""
import os

from django.contrib import admin
from django.http import HttpResponse
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from procedures.admin_report import admin_urls as report_admin_urls
from wizard.preview import admin_urls as preview_admin_urls

ROBOTS = (
    "User-agent: *\n"
    # The counter's and the admins' pages are for signed-in staff; plans say noindex themselves.
    "Disallow: /admin/\n"
    "Disallow: /staff/\n"
)

# The admin names the product, not the framework ("Django 管理").
admin.site.site_header = _("身份证办理指南 · 内容管理")
admin.site.site_title = _("内容管理")
admin.site.index_title = _("办理流程、地方规定和受理点")


def robots_txt(request):
    return HttpResponse(ROBOTS, content_type="text/plain; charset=utf-8")


urlpatterns = [
    path("robots.txt", robots_txt, name="robots_txt"),
    # A draft's preview (the applicant's wizard, in wizard.preview) and the content report are served
    # among the admin's pages.
    path("admin/", ([*preview_admin_urls(admin.site), *report_admin_urls(admin.site), *admin.site.get_urls()],
                    "admin", admin.site.name)),
    path("staff/", include("staff.urls")),
    path("", include("wizard.urls")),
]

if os.environ.get("BENCH_ENDPOINTS") == "1":
    # `make bench` only: the cheapest possible Django response, the ceiling for this machine.
    def bench_hello(request):
        return HttpResponse("Hello, world", content_type="text/plain")

    urlpatterns.insert(0, path("bench/hello/", bench_hello, name="bench_hello"))
