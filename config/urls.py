"""Top-level URL routes."""
import os

from django.contrib import admin
from django.http import HttpResponse
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("staff/", include("staff.urls")),
    path("", include("wizard.urls")),
]

if os.environ.get("BENCH_ENDPOINTS") == "1":
    # `make bench` only: the cheapest possible Django response, the ceiling for this machine.
    def bench_hello(request):
        return HttpResponse("Hello, world", content_type="text/plain")

    urlpatterns.insert(0, path("bench/hello/", bench_hello, name="bench_hello"))
