"""Report on a soak run: 5xx counts (those in the outage windows apart), recovery, and lost plans.

Usage: soak_report.py LOCUST_JSON OUTAGE_FILE BASE_URL
OUTAGE_FILE holds a line "database stop_epoch start_epoch" (when PostgreSQL was stopped
and started again) and a line "instance epoch" (when an app instance was killed), each
only if it happened. Every reference code handed to an
applicant is read back, over HTTP (the plan page must answer 200) and from the
database (run with the soak's settings and DATABASE_URL). Exit status 1 if a 5xx
other than an outage 503 was seen, or a plan was lost, or the app did not recover.
"""
import json
import sys
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlparse

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
GRACE = 5  # seconds after the database is back in which a 503 still counts as the outage's


def main():
    data_file, outage_file, base = sys.argv[1:4]
    host = urlparse(base).hostname or ""
    if not host.startswith("127."):
        raise SystemExit("soak_report: loopback only")
    data = json.loads(Path(data_file).read_text())
    events = {}
    for line in (Path(outage_file).read_text().splitlines() if Path(outage_file).exists() else []):
        kind, *times = line.split()
        events[kind] = [float(t) for t in times]
    down, up = events.get("database", (None, None))
    killed = events.get("instance", [None])[0]

    total = Counter5xx()
    at_kill = Counter5xx()
    in_outage = Counter5xx()
    total.first = min((int(s) for s in data["by_second"]), default=0)
    for second, counts in data["by_second"].items():
        t = int(second)
        during = down is not None and down - 1 <= t <= up + GRACE
        kill_window = killed is not None and killed - 1 <= t <= killed + GRACE
        for status, n in counts.items():
            total.add(int(status), n, during or kill_window)
            if kill_window:
                at_kill.add(int(status), n, True)
            if during:
                in_outage.add(int(status), n, True)
    print(f"requests: {total.requests}   by status: "
          + ", ".join(f"{k}={v}" for k, v in sorted(data["statuses"].items(), key=lambda kv: int(kv[0]))))
    print(f"5xx outside the outage: {total.outside_5xx}   (target 0)")
    if down is not None:
        print(f"database outage: stopped at +{down - total.first:.0f}s for {up - down:.1f}s")
        print(f"  during the outage: 503={in_outage.during_503}  500 and other 5xx={in_outage.during_other_5xx}  "
              f"connection errors={in_outage.during_conn}  2xx/3xx={in_outage.during_ok}")
        recovered = [int(s) for s, c in data["by_second"].items()
                     if int(s) > up and any(200 <= int(k) < 400 for k in c)]
        after_ok = sum(n for s, c in data["by_second"].items() if int(s) > up + GRACE
                       for k, n in c.items() if 200 <= int(k) < 400)
        first = min(recovered) - up if recovered else None
        print(f"  recovered: {'yes' if recovered else 'NO'}"
              + (f", first success {first:.0f}s after the restart; {after_ok} successful requests after" if recovered
                 else ""))
    else:
        recovered = True
        print("database outage: none in this run")
    if killed is not None:
        after_kill = sum(n for s, c in data["by_second"].items() if int(s) > killed + GRACE
                         for k, n in c.items() if 200 <= int(k) < 400)
        print(f"app instance killed at +{killed - total.first:.0f}s: within {GRACE}s of it "
              f"5xx={at_kill.during_503 + at_kill.during_other_5xx} (502 from requests in flight on the killed "
              f"instance)  connection errors={at_kill.during_conn}  2xx/3xx={at_kill.during_ok}; "
              f"{after_kill} successful requests after, on the surviving instance")
    else:
        print("app instance killed: none in this run")
    for sample in data["samples_5xx"][:3]:
        print(f"  5xx sample: {sample['status']} {sample['name']}: {sample['body'][:120]!r}")

    created = sorted(set(data["created"]))
    lost_http = read_back_over_http(base, created)
    lost_db = read_back_from_db(created)
    print(f"plans whose reference code was returned: {len(created)}; "
          f"not readable over HTTP: {len(lost_http)}; missing from the database: {len(lost_db)}   (target 0)")
    for code in (lost_http + lost_db)[:10]:
        print(f"  lost: {code}")
    # Inside the database outage only the 503 page is allowed; at the kill, nginx may answer 502 for the
    # requests the killed instance was serving (a POST already sent is never repeated on another instance).
    db_other_5xx = in_outage.during_other_5xx
    failed = total.outside_5xx or db_other_5xx or lost_http or lost_db or not recovered
    print(f"soak_5xx={total.outside_5xx + db_other_5xx} soak_503_outage={in_outage.during_503} "
          f"soak_5xx_at_kill={at_kill.during_503 + at_kill.during_other_5xx} "
          f"lost_plans={len(set(lost_http) | set(lost_db))}")
    return 1 if failed else 0


class Counter5xx:
    def __init__(self):
        self.requests = self.outside_5xx = self.during_503 = self.during_other_5xx = 0
        self.during_conn = self.during_ok = 0
        self.first = None

    def add(self, status, n, during):
        self.requests += n
        if during:
            if status == 503:
                self.during_503 += n
            elif status >= 500:
                self.during_other_5xx += n
            elif status == 0:
                self.during_conn += n
            elif status < 400:
                self.during_ok += n
        elif status >= 500:
            self.outside_5xx += n


def read_back_over_http(base, codes):
    def status(code):
        try:
            with urllib.request.urlopen(f"{base}/plan/{code}/", timeout=30) as response:
                return code, response.status
        except urllib.error.HTTPError as error:
            return code, error.code
        except OSError:
            return code, 0
    with ThreadPoolExecutor(max_workers=4) as pool:
        return [code for code, st in pool.map(status, codes) if st != 200]


def read_back_from_db(codes):
    import django

    django.setup()
    from wizard.models import Plan

    found = set()
    for i in range(0, len(codes), 500):
        found |= set(Plan.objects.filter(code__in=codes[i:i + 500]).values_list("code", flat=True))
    return [code for code in codes if code not in found]


if __name__ == "__main__":
    sys.exit(main())
