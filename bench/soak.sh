#!/usr/bin/env bash
# make soak: SOAK_SECONDS (default 600) at SOAK_USERS (default 64) locust users against gunicorn -w 2 on
# PostgreSQL (a fresh database `soak` on 127.0.0.1:5432, user postgres, trust auth), with PostgreSQL
# stopped for SOAK_OUTAGE_SECONDS (default 10) half-way through (SOAK_OUTAGE=0 to skip). Prints the 5xx
# count, 503s during the outage, whether the app recovered, and whether every plan handed out reads back.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
PY="${PYTHON:-$ROOT/.venv/bin/python}"
SECS="${SOAK_SECONDS:-600}"
USERS="${SOAK_USERS:-64}"
PORT="${SOAK_PORT:-8766}"
OUTAGE="${SOAK_OUTAGE:-1}"
OUTAGE_SECS="${SOAK_OUTAGE_SECONDS:-10}"
BASE="http://127.0.0.1:$PORT"
PGURL="postgresql://postgres@127.0.0.1:5432"

if ! [[ "$SECS" =~ ^[0-9]+$ ]] || (( SECS < 20 || SECS > 3600 )); then echo "soak: SOAK_SECONDS must be 20..3600" >&2; exit 2; fi
if [[ ! -x "$ROOT/.venv/bin/locust" ]]; then
  "$PY" -m pip install --disable-pip-version-check --quiet -r requirements-bench.txt
fi

WORK="$(mktemp -d /tmp/soak.XXXXXX)"
GUNICORN_PID=""
OUTAGE_PID=""
cleanup() {
  [[ -n "$OUTAGE_PID" ]] && kill "$OUTAGE_PID" 2>/dev/null || true
  if [[ -n "$GUNICORN_PID" ]]; then kill "$GUNICORN_PID" 2>/dev/null || true; wait "$GUNICORN_PID" 2>/dev/null || true; fi
  # Never leave PostgreSQL stopped.
  if [[ "$OUTAGE" == 1 ]] && ! pg_isready -q -h 127.0.0.1 -p 5432; then pg_start || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

pg_cluster() { ls /etc/postgresql | sort -V | tail -1; }
pg_stop() { pg_ctlcluster --skip-systemctl-redirect "$(pg_cluster)" main stop -m fast; }
pg_start() { pg_ctlcluster --skip-systemctl-redirect "$(pg_cluster)" main start; }

export DJANGO_SETTINGS_MODULE=config.settings.production
SECRET_KEY="$("$PY" -c 'import secrets; print(secrets.token_urlsafe(50))')"
export SECRET_KEY
export ALLOWED_HOSTS=127.0.0.1 SECURE_SSL_REDIRECT=false LOG_LEVEL=ERROR LOOKUP_RATE_LIMIT_PER_MINUTE=1000000
export DATABASE_URL="$PGURL/soak"
CLERK=soak-clerk
CLERK_PASSWORD="$("$PY" -c 'import secrets; print(secrets.token_urlsafe(18))')"

echo "== fresh database soak on 127.0.0.1:5432; migrate; collectstatic; counter clerk"
psql "$PGURL/postgres" -qAt -v ON_ERROR_STOP=1 -c "DROP DATABASE IF EXISTS soak WITH (FORCE)" -c "CREATE DATABASE soak"
"$PY" manage.py migrate --noinput -v0
"$PY" manage.py collectstatic --noinput -v0
SOAK_CLERK="$CLERK" SOAK_CLERK_PASSWORD="$CLERK_PASSWORD" "$PY" manage.py shell -v 0 -c "
import os
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from procedures.models import Region
from staff.models import Office, StaffMembership
office, _ = Office.objects.get_or_create(name='压测受理点', defaults={'region': Region.objects.get(code='440300'), 'address': '127.0.0.1'})
user = get_user_model().objects.create_user(username=os.environ['SOAK_CLERK'], password=os.environ['SOAK_CLERK_PASSWORD'])
user.groups.add(Group.objects.get(name='柜台工作人员'))
StaffMembership.objects.create(user=user, office=office)
"
SEED="$("$PY" - <<'PYEOF'
import sys
sys.path.insert(0, ".")
import django
django.setup()
from django.utils import timezone
from bench.prepare import create_plan
print(",".join(create_plan(timezone.localdate()) for _ in range(5)))
PYEOF
)"

echo "== gunicorn -w 2 on $BASE (PostgreSQL, production settings)"
"$PY" -m gunicorn config.wsgi:application -w 2 -b "127.0.0.1:$PORT" --log-level warning \
  > "$WORK/gunicorn.log" 2>&1 &
GUNICORN_PID=$!
for _ in $(seq 1 100); do curl -fs -o /dev/null "$BASE/" && break; sleep 0.2; done
curl -fs -o /dev/null "$BASE/" || { echo "soak: gunicorn did not start" >&2; cat "$WORK/gunicorn.log" >&2; exit 4; }

: > "$WORK/outage"
if [[ "$OUTAGE" == 1 ]]; then
  (
    sleep $((SECS / 2))
    down=$(date +%s.%N); pg_stop >/dev/null
    sleep "$OUTAGE_SECS"
    pg_start >/dev/null; up=$(date +%s.%N)
    echo "$down $up" > "$WORK/outage"
  ) &
  OUTAGE_PID=$!
fi

echo "== locust: $USERS users for ${SECS}s (wizard journeys, plan pages, staff look-ups)$([[ $OUTAGE == 1 ]] && echo "; PostgreSQL down for ${OUTAGE_SECS}s at +$((SECS / 2))s")"
SOAK_OUT="$WORK/locust.json" SOAK_CLERK="$CLERK" SOAK_CLERK_PASSWORD="$CLERK_PASSWORD" SOAK_PLAN_SEED="$SEED" \
  timeout $((SECS + 60)) "$ROOT/.venv/bin/locust" -f bench/soak_locust.py --headless -u "$USERS" -r 16 \
  -t "${SECS}s" --stop-timeout 10 --host "$BASE" --only-summary --loglevel WARNING 2>&1 \
  | grep -Ev '^\s*$' | tail -30 || true
if [[ -n "$OUTAGE_PID" ]]; then wait "$OUTAGE_PID" || true; OUTAGE_PID=""; fi

echo "== report"
rc=0
"$PY" bench/soak_report.py "$WORK/locust.json" "$WORK/outage" "$BASE" || rc=$?
echo "gunicorn log: $(grep -c 'Traceback' "$WORK/gunicorn.log" || true) tracebacks, of which" \
  "$(grep -cE '^(django\.db\.utils\.|psycopg\.)(OperationalError|InterfaceError)' "$WORK/gunicorn.log" || true) end in" \
  "a database OperationalError/InterfaceError (expected while PostgreSQL is down)"
grep -E '^[A-Za-z_.]+(Error|Exception):' "$WORK/gunicorn.log" | sort | uniq -c | sort -rn | head -8 || true
exit $rc
