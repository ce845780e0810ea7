#!/usr/bin/env bash
# Lighthouse (mobile) on the start page, a wizard step and a plan page; prints the four scores.
#
# Starts the app under gunicorn with the production settings (plain HTTP on loopback) on a
# free port, with a throwaway SQLite database, stores one plan, audits the three pages with
# Debian's Chromium and stops the app again. Not part of the test run: scores on a 2-core
# machine move by about +-0.05 in performance from run to run.
#
# Usage: scripts/lighthouse.sh [OUT_DIR]      (reports go to OUT_DIR, default test-artifacts/lighthouse)
# Needs: scripts/install-checkers.sh --lighthouse, /usr/bin/chromium.
# Exit:  0 every score >= MIN_SCORE (default 0.95); 1 a score below it; 2 could not run.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
OUT_DIR="${1:-$ROOT/test-artifacts/lighthouse}"
MIN_SCORE="${MIN_SCORE:-0.95}"
CHECKERS_DIR="${CHECKERS_DIR:-$ROOT/.checkers}"
LIGHTHOUSE="$CHECKERS_DIR/node_modules/.bin/lighthouse"
PYTHON="$ROOT/.venv/bin/python"
export CHROME_PATH="${CHROME_PATH:-/usr/bin/chromium}"

[[ -x "$LIGHTHOUSE" ]] || scripts/install-checkers.sh --lighthouse
[[ -x "$CHROME_PATH" ]] || { echo "lighthouse.sh: $CHROME_PATH is missing (apt-get install -y chromium)" >&2; exit 2; }
mkdir -p "$OUT_DIR"

work="$(mktemp -d)"
server_pid=""
cleanup() {
  [[ -n "$server_pid" ]] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

port="$("$PYTHON" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
export DJANGO_SETTINGS_MODULE=config.settings.production
export SECRET_KEY="lighthouse-only-$(date +%s%N)"
export ALLOWED_HOSTS=127.0.0.1
export SECURE_SSL_REDIRECT=false
export DATABASE_URL="sqlite:///$work/lighthouse.sqlite3"
unset CI

echo "Preparing the app (migrate, collectstatic) ..."
"$PYTHON" manage.py migrate --noinput -v 0
"$PYTHON" manage.py collectstatic --noinput -v 0
code="$(printf '%s' '{"reason": "expiring", "birth_date": "1990-05-20", "hukou_region": "410100",
  "residence_region": "440300", "card_expiry_date": "'"$(date -d '+60 days' +%F)"'",
  "documents": ["old_card", "hukou_book"], "has_photo_receipt": false, "delivery": "collect",
  "needed_by": null, "hardship": false}' \
  | "$PYTHON" manage.py plan --answers - --today "$(date +%F)" --save \
  | "$PYTHON" -c 'import json, sys; print(json.load(sys.stdin)["reference"].replace("-", ""))')"

"$ROOT/.venv/bin/gunicorn" config.wsgi:application -w 2 -b "127.0.0.1:$port" --log-level warning &
server_pid=$!
for _ in $(seq 1 50); do
  curl -fs -o /dev/null "http://127.0.0.1:$port/" && break
  sleep 0.2
done
curl -fs -o /dev/null "http://127.0.0.1:$port/" || { echo "lighthouse.sh: the app did not start" >&2; exit 2; }

status=0
# A plan is private: its noindex costs the SEO score on purpose (is-crawlable), so that
# one audit does not count against the plan page.
for page in "start / -" "wizard-step /apply/reason/ -" "plan /plan/$code/ is-crawlable"; do
  read -r name path allowed <<<"$page"
  echo "== $name: http://127.0.0.1:$port$path"
  timeout 300 "$LIGHTHOUSE" "http://127.0.0.1:$port$path" --quiet --output=json --output=html \
    --output-path="$OUT_DIR/$name" \
    --chrome-flags="--headless=new --no-sandbox --disable-gpu --disable-background-networking --disable-component-update --disable-sync --no-first-run --disable-quic" \
    || { echo "lighthouse.sh: lighthouse failed on $path" >&2; exit 2; }
  "$PYTHON" - "$OUT_DIR/$name.report.json" "$MIN_SCORE" "$allowed" <<'PY' || status=1
import json
import sys

report = json.load(open(sys.argv[1]))
minimum = float(sys.argv[2])
allowed = sys.argv[3]
if report.get("runtimeError"):
    print("   RUNTIME ERROR:", report["runtimeError"])
    sys.exit(2)
categories = report["categories"]
print("   SCORES " + " ".join(f"{key}={value['score']:.2f}" for key, value in categories.items()))
low = []
for key, value in categories.items():
    if value["score"] >= minimum:
        continue
    losses = [ref for ref in value["auditRefs"] if ref["weight"]
              and report["audits"][ref["id"]].get("score") is not None and report["audits"][ref["id"]]["score"] < 1]
    for ref in losses:
        audit = report["audits"][ref["id"]]
        note = "  (expected: the page is noindex on purpose)" if ref["id"] == allowed else ""
        print(f"   {key} loses on {ref['id']} ({audit['score']}): {audit['title']}{note}")
    if any(ref["id"] != allowed for ref in losses):
        low.append(key)
print(f"   below {minimum}: {', '.join(low)}" if low else f"   ok (every score >= {minimum}, apart from what is noted)")
sys.exit(1 if low else 0)
PY
done
echo "Reports: $OUT_DIR/*.report.html"
exit "$status"
