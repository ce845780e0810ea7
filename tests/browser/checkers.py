"""Accessibility and HTML checkers for browser tests: axe-core in the page, the Nu HTML Checker beside it.

Both come from ``scripts/install-checkers.sh``, which puts them in ``.checkers/`` (or
``$CHECKERS_DIR``); nothing is fetched from a CDN. Without them the tests skip locally and
fail in CI (``CI`` set), where a skip would hide a gap.

The Nu HTML Checker (vnu) runs as its own small HTTP service for the whole test session:
starting Java takes seconds, and the service then checks a page in a few milliseconds.
"""
import json
import os
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHECKERS_DIR = Path(os.environ.get("CHECKERS_DIR") or ROOT / ".checkers")
AXE_JS = CHECKERS_DIR / "node_modules" / "axe-core" / "axe.min.js"
VNU_JAR = CHECKERS_DIR / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
# WCAG 2.1 levels A and AA; axe's best-practice rules are advice, not the gate.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
VNU_START_SECONDS = 90


def unavailable(reason):
    """Fail in CI, where the checks must run; skip elsewhere."""
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI is set, so accessibility checks may not skip)", pytrace=False)
    pytest.skip(reason)


def require_axe():
    if not AXE_JS.is_file():
        unavailable(f"axe-core is missing at {AXE_JS}: run scripts/install-checkers.sh")


# --- axe-core ------------------------------------------------------------------------------

def axe_violations(page):
    """Run axe-core's WCAG 2.1 A/AA rules on the page as it is now; return its violations.

    The script is injected from the local copy; the page's own Content-Security-Policy
    must be bypassed for that (``bypass_csp`` on the browser context).
    """
    page.add_script_tag(path=str(AXE_JS))
    results = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        AXE_TAGS)
    return results["violations"]


def describe_violations(violations):
    """Return one readable line per violation and element."""
    lines = []
    for violation in violations:
        lines.append(f"axe {violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"][:5]:
            fix = node["failureSummary"].splitlines()[-1].strip()
            lines.append(f"    at {', '.join(map(str, node['target']))}: {fix}")
            lines.append(f"       {node['html'][:160]}")
    return lines


# --- the Nu HTML Checker -----------------------------------------------------------------------

def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Vnu:
    """The Nu HTML Checker as a local HTTP service: ``errors(html)`` returns its error messages."""

    def __init__(self):
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}/?out=json&level=error"
        # A deep stack: vnu's schema loading recurses further than Java's default allows.
        self.process = subprocess.Popen(
            [shutil.which("java") or "java", "-Xss16m", "-cp", str(VNU_JAR), "nu.validator.servlet.Main",
             str(self.port)],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        self._wait_until_ready()

    def _wait_until_ready(self):
        deadline = time.monotonic() + VNU_START_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"vnu stopped while starting:\n{self.process.stderr.read()[-2000:]}")
            try:
                self.errors("<!doctype html><html lang=en><title>ready</title>")
                return
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.5)
        self.stop()
        raise RuntimeError(f"vnu did not start within {VNU_START_SECONDS} s")

    def errors(self, html):
        """Return vnu's error messages for the document ``html``."""
        request = urllib.request.Request(self.url, data=html.encode(), method="POST",
                                         headers={"Content-Type": "text/html; charset=utf-8"})
        with urllib.request.urlopen(request, timeout=60) as response:
            return [m for m in json.load(response)["messages"] if m.get("type") in ("error", "non-document-error")]

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def start_vnu():
    """Start the checker service, or skip/fail (see ``unavailable``) when it is not installed."""
    if not VNU_JAR.is_file():
        unavailable(f"vnu.jar is missing at {VNU_JAR}: run scripts/install-checkers.sh")
    if not shutil.which("java"):
        unavailable("java is missing: run scripts/install-checkers.sh (installs default-jre-headless)")
    return Vnu()


def describe_html_errors(errors, html):
    """Return one readable line per vnu error, with the offending source line."""
    source = html.splitlines()
    lines = []
    for error in errors:
        line = error.get("lastLine") or error.get("firstLine")
        where = f"line {line}" if line else "document"
        lines.append(f"vnu ({where}): {error['message']}")
        if line and line <= len(source):
            lines.append(f"       {source[line - 1].strip()[:160]}")
    return lines
