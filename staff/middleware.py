"""Headers for every page under the desk's address."""
from django.urls import reverse
from django.utils.cache import add_never_cache_headers


class NoStoreMiddleware:
    """Keep every desk response, error pages included, out of the browser's and any proxy's cache.

    The counter PC is shared: after a clerk signs out, Back or the history must not
    show the next person an applicant's plan or phone number.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.path_info.startswith(reverse("staff:desk")):
            add_never_cache_headers(response)
        return response
