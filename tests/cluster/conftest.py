"""The cluster: two gunicorn instances behind nginx on PostgreSQL and Redis (deploy/cluster.py).

The tests here run only where nginx, Redis (127.0.0.1:6379) and PostgreSQL
(127.0.0.1:5432, user postgres, trust) are all available; with CI=true a missing
one fails them instead of skipping. They talk to the cluster over HTTP only and use
a database of their own (``cluster_test``), whatever DATABASE_URL says.
"""
import gzip
import os
import re
import time
import urllib.parse
from http.client import HTTPConnection

import pytest

from deploy.cluster import Cluster, missing_services

TOKEN_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
UPSTREAM_RE = re.compile(r"upstream=(\S+)")
# Low limits, so that "the limit and not twice it" shows in a few requests.
LOOKUP_LIMIT = 5
FAILURE_LIMIT = 3


def pytest_configure(config):
    config.addinivalue_line("markers", "cluster: needs nginx, Redis and PostgreSQL (deploy/cluster.py)")


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/cluster/" in item.nodeid:
            item.add_marker(pytest.mark.cluster)


@pytest.fixture(scope="session")
def cluster(tmp_path_factory):
    missing = missing_services()
    if missing:
        message = "the cluster needs " + "; ".join(missing)
        if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
            pytest.fail(message)
        pytest.skip(message)
    running = Cluster(tmp_path_factory.mktemp("cluster"), database="cluster_test", workers=1, env={
        "LOOKUP_RATE_LIMIT_PER_MINUTE": str(LOOKUP_LIMIT), "AXES_FAILURE_LIMIT": str(FAILURE_LIMIT)})
    running.prepare()
    running.start()
    try:
        yield running
    finally:
        running.stop()


class Response:
    def __init__(self, status, headers, text, upstream, log_line=""):
        self.status, self.headers, self.text, self.upstream = status, headers, text, upstream
        self.log_line = log_line

    def header(self, name):
        return next((value for key, value in self.headers if key.lower() == name.lower()), None)

    def token(self):
        match = TOKEN_RE.search(self.text)
        assert match, "no CSRF token on the page"
        return match.group(1)


class Visitor:
    """One person's browser: cookies kept, redirects not followed, every request through nginx.

    Each response says which instance answered (from nginx's access log, which
    this test is the only one to write to).
    """

    def __init__(self, cluster):
        self.cluster = cluster
        self.cookies = {}

    def _log_lines(self):
        path = self.cluster.access_log
        return path.read_text(encoding="utf-8").splitlines() if path.exists() else []

    def request(self, method, path, data=None, headers=None):
        before = len(self._log_lines())
        body = urllib.parse.urlencode(data, doseq=True) if data is not None else None
        headers = {"Host": f"127.0.0.1:{self.cluster.port}", **(headers or {})}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection = HTTPConnection("127.0.0.1", self.cluster.port, timeout=30)
        connection.request(method, path, body=body, headers=headers)
        raw = connection.getresponse()
        content = raw.read()
        if (raw.getheader("Content-Encoding") or "").lower() == "gzip":
            content = gzip.decompress(content)
        text = content.decode("utf-8", "replace")
        connection.close()
        for key, value in raw.getheaders():
            if key.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                cookie_value = rest.split(";", 1)[0]
                if 'expires=Thu, 01 Jan 1970' in value or "Max-Age=0" in value:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = cookie_value
        upstream, lines = None, []
        for _ in range(100):  # nginx writes the line as the response ends
            lines = self._log_lines()[before:]
            if lines:
                match = UPSTREAM_RE.search(lines[-1])
                upstream = match.group(1) if match else None
                break
            time.sleep(0.02)
        return Response(raw.status, raw.getheaders(), text, upstream, log_line=lines[-1] if lines else "")

    def get(self, path, headers=None):
        return self.request("GET", path, headers=headers)

    def post(self, path, data):
        return self.request("POST", path, data)

    def sign_in(self, username, password, path="/staff/login/"):
        page = self.get(path)
        assert page.status == 200, page.status
        return self.post(path, {"username": username, "password": password, "csrfmiddlewaretoken": page.token()})


@pytest.fixture
def visitor(cluster):
    return Visitor(cluster)
