#!/usr/bin/env bash
# make soak: SOAK_SECONDS (default 600) at SOAK_USERS (default 64) locust users against the cluster of
# deploy/cluster.py (two gunicorn instances behind nginx, Redis, a fresh PostgreSQL database `soak` on
# 127.0.0.1:5432, user postgres, trust auth). Half-way through, PostgreSQL is stopped for
# SOAK_OUTAGE_SECONDS (default 10; SOAK_OUTAGE=0 to skip); at three quarters one app instance is killed
# (SIGKILL; SOAK_KILL=0 to skip) and nginx must send its traffic to the other. Prints the 5xx count outside
# those windows, what happened inside them, whether the app recovered, and whether every plan handed out
# reads back.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
PY="${PYTHON:-$ROOT/.venv/bin/python}"
SECS="${SOAK_SECONDS:-600}"
USERS="${SOAK_USERS:-64}"
PORT="${SOAK_PORT:-8766}"
OUTAGE="${SOAK_OUTAGE:-1}"
OUTAGE_SECS="${SOAK_OUTAGE_SECONDS:-10}"
KILL="${SOAK_KILL:-1}"
BASE="http://127.0.0.1:$PORT"
PGURL="postgresql://postgres@127.0.0.1:5432"

if ! [[ "$SECS" =~ ^[0-9]+$ ]] || (( SECS < 20 || SECS > 3600 )); then echo "soak: SOAK_SECONDS must be 20..3600" >&2; exit 2; fi
if [[ ! -x "$ROOT/.venv/bin/locust" ]]; then
  "$PY" -m pip install --disable-pip-version-check --quiet -r requirements-bench.txt
fi

WORK="$(mktemp -d /tmp/soak.XXXXXX)"
CLUSTER_PID=""
OUTAGE_PID=""
cleanup() {
  [[ -n "$OUTAGE_PID" ]] && kill "$OUTAGE_PID" 2>/dev/null || true
  # deploy/cluster.py stops nginx and the instances it started when it gets SIGTERM.
  if [[ -n "$CLUSTER_PID" ]]; then kill "$CLUSTER_PID" 2>/dev/null || true; wait "$CLUSTER_PID" 2>/dev/null || true; fi
  # Never leave PostgreSQL stopped.
  if [[ "$OUTAGE" == 1 ]] && ! pg_isready -q -h 127.0.0.1 -p 5432; then pg_start || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

pg_cluster() { ls /etc/postgresql | sort -V | tail -1; }
pg_stop() { pg_ctlcluster --skip-systemctl-redirect "$(pg_cluster)" main stop -m fast; }
pg_start() { pg_ctlcluster --skip-systemctl-redirect "$(pg_cluster)" main start; }

# The instances inherit these (deploy/cluster.py adds the rest of their settings).
export LOG_LEVEL=ERROR LOOKUP_RATE_LIMIT_PER_MINUTE=1000000
CLERK=soak-clerk
CLERK_PASSWORD="$("$PY" -c 'import secrets; print(secrets.token_urlsafe(18))')"

echo "== cluster: fresh database soak, migrate, collectstatic, two instances behind nginx on $BASE"
"$PY" deploy/cluster.py --port "$PORT" --database soak --work-dir "$WORK/cluster" --state "$WORK/cluster.json" \
  > "$WORK/cluster.out" 2>&1 &
CLUSTER_PID=$!
for _ in $(seq 1 300); do [[ -s "$WORK/cluster.json" ]] && break; kill -0 "$CLUSTER_PID" 2>/dev/null || break; sleep 0.5; done
[[ -s "$WORK/cluster.json" ]] || { echo "soak: the cluster did not start" >&2; cat "$WORK/cluster.out" >&2; exit 4; }
grep '^cluster: http' "$WORK/cluster.out" || true
VICTIM_PID="$("$PY" -c "import json; print(json.load(open('$WORK/cluster.json'))['instances'][-1]['pid'])")"

# Management commands on the same database (settings as in production; nothing here uses the cache).
export DJANGO_SETTINGS_MODULE=config.settings.production ALLOWED_HOSTS=127.0.0.1 SECURE_SSL_REDIRECT=false
SECRET_KEY="$("$PY" -c 'import secrets; print(secrets.token_urlsafe(50))')"
export SECRET_KEY
export DATABASE_URL="$PGURL/soak"
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

: > "$WORK/outage"
started=$(date +%s)
(
  if [[ "$OUTAGE" == 1 ]]; then
    sleep $((SECS / 2))
    down=$(date +%s.%N); pg_stop >/dev/null
    sleep "$OUTAGE_SECS"
    pg_start >/dev/null; up=$(date +%s.%N)
    echo "database $down $up" >> "$WORK/outage"
  else
    sleep $((SECS / 2))
  fi
  if [[ "$KILL" == 1 ]]; then
    wait_for=$((started + SECS * 3 / 4 - $(date +%s)))
    if (( wait_for > 0 )); then sleep "$wait_for"; fi
    # SIGKILL to the instance's process group (its gunicorn master and workers), as a crash would.
    kill -KILL -- "-$VICTIM_PID"; echo "instance $(date +%s.%N)" >> "$WORK/outage"
  fi
) &
OUTAGE_PID=$!

echo "== locust: $USERS users for ${SECS}s (wizard journeys, plan pages, staff look-ups)$([[ $OUTAGE == 1 ]] && echo "; PostgreSQL down for ${OUTAGE_SECS}s at +$((SECS / 2))s")$([[ $KILL == 1 ]] && echo "; one instance killed at +$((SECS * 3 / 4))s")"
SOAK_OUT="$WORK/locust.json" SOAK_CLERK="$CLERK" SOAK_CLERK_PASSWORD="$CLERK_PASSWORD" SOAK_PLAN_SEED="$SEED" \
  timeout $((SECS + 60)) "$ROOT/.venv/bin/locust" -f bench/soak_locust.py --headless -u "$USERS" -r 16 \
  -t "${SECS}s" --stop-timeout 10 --host "$BASE" --only-summary --loglevel WARNING 2>&1 \
  | grep -Ev '^\s*$' | tail -30 || true
if [[ -n "$OUTAGE_PID" ]]; then wait "$OUTAGE_PID" || true; OUTAGE_PID=""; fi

echo "== report"
rc=0
"$PY" bench/soak_report.py "$WORK/locust.json" "$WORK/outage" "$BASE" || rc=$?
logs=("$WORK"/cluster/gunicorn-*.log)
echo "gunicorn logs: $(cat "${logs[@]}" | grep -c 'Traceback' || true) tracebacks, of which" \
  "$(cat "${logs[@]}" | grep -cE '^(django\.db\.utils\.|psycopg\.)(OperationalError|InterfaceError)' || true) end in" \
  "a database OperationalError/InterfaceError (expected while PostgreSQL is down)"
cat "${logs[@]}" | grep -E '^[A-Za-z_.]+(Error|Exception):' | sort | uniq -c | sort -rn | head -8 || true
echo "nginx: $(grep -c 'upstream_status=502' "$WORK/cluster/nginx/nginx-access.log" || true) answers 502 from an instance," \
  "$(grep -cE '" 50[0-9] ' "$WORK/cluster/nginx/nginx-access.log" || true) 5xx in all"
exit $rc
