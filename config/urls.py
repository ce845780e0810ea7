"""Top-level URL routes."""
import os

from django.contrib import admin
from django.http import HttpResponse
from django.urls import include, path

ROBOTS = (
    "User-agent: *\n"
    # The counter's and the admins' pages are for signed-in staff; plans say noindex themselves.
    "Disallow: /admin/\n"
    "Disallow: /staff/\n"
)


def robots_txt(request):
    return HttpResponse(ROBOTS, content_type="text/plain; charset=utf-8")


urlpatterns = [
    path("robots.txt", robots_txt, name="robots_txt"),
    path("admin/", admin.site.urls),
    path("staff/", include("staff.urls")),
    path("", include("wizard.urls")),
]

if os.environ.get("BENCH_ENDPOINTS") == "1":
    # `make bench` only: the cheapest possible Django response, the ceiling for this machine.
    def bench_hello(request):
        return HttpResponse("Hello, world", content_type="text/plain")

    urlpatterns.insert(0, path("bench/hello/", bench_hello, name="bench_hello"))
