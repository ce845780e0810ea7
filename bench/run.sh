#!/usr/bin/env bash
# make bench: the app under gunicorn (2 workers, production settings) measured with wrk on 127.0.0.1,
# then the engine alone. Prints a table and, last, ratio_min=X (lowest page req/s / hello-world req/s).
#
# Environment:
#   BENCH_DATABASE_URL  database to use (default: SQLite in a temporary directory). It is migrated
#                       and gets plans and wizard sessions added; use a throwaway database.
#   BENCH_SECONDS       seconds per wrk run (default 15)   BENCH_CONNECTIONS  wrk -c (default 32)
#   BENCH_PORT          gunicorn port (default 8765)       ENGINE_REPEAT      engine runs per case (default 200)
#   PYTHON              interpreter (default .venv/bin/python)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
PY="${PYTHON:-$ROOT/.venv/bin/python}"
SECS="${BENCH_SECONDS:-15}"
CONN="${BENCH_CONNECTIONS:-32}"
PORT="${BENCH_PORT:-8765}"
BASE="http://127.0.0.1:$PORT"

if ! command -v wrk >/dev/null; then
  echo "bench: installing wrk with apt-get" >&2
  if [[ $(id -u) -ne 0 ]]; then echo "bench: wrk is missing; run 'apt-get install -y wrk' as root" >&2; exit 3; fi
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null
fi

WORK="$(mktemp -d /tmp/bench.XXXXXX)"
GUNICORN_PID=""
cleanup() {
  if [[ -n "$GUNICORN_PID" ]]; then kill "$GUNICORN_PID" 2>/dev/null || true; wait "$GUNICORN_PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

export DJANGO_SETTINGS_MODULE=config.settings.production
SECRET_KEY="$("$PY" -c 'import secrets; print(secrets.token_urlsafe(50))')"
export SECRET_KEY
export ALLOWED_HOSTS=127.0.0.1 SECURE_SSL_REDIRECT=false BENCH_ENDPOINTS=1 LOG_LEVEL=ERROR
export DATABASE_URL="${BENCH_DATABASE_URL:-sqlite:///$WORK/bench.sqlite3}"

echo "== preparing: migrate, collectstatic, plans (manage.py plan --save), wizard sessions"
"$PY" manage.py migrate --noinput -v0
"$PY" manage.py collectstatic --noinput -v0
"$PY" bench/prepare.py --out "$WORK/prep.json" --sessions 64

j() { "$PY" -c "import json,sys; d=json.load(open('$WORK/prep.json')); print(eval(sys.argv[1]))" "$1"; }
CSRF="$(j 'd["csrftoken"]')"
BODY="$(j 'd["post_body"]')"

echo "== starting gunicorn -w 2 on 127.0.0.1:$PORT"
"$PY" -m gunicorn config.wsgi:application -w 2 -b "127.0.0.1:$PORT" --log-level warning \
  --access-logfile - --access-logformat '%(s)s' > "$WORK/access.log" 2> "$WORK/gunicorn.log" &
GUNICORN_PID=$!
for _ in $(seq 1 100); do
  curl -fs -o /dev/null "$BASE/bench/hello/" && break
  sleep 0.2
done
curl -fs -o /dev/null "$BASE/bench/hello/" || { echo "bench: gunicorn did not start" >&2; cat "$WORK/gunicorn.log" >&2; exit 4; }

to_ms() {  # wrk prints e.g. 812.00us, 25.10ms, 1.20s
  awk -v v="$1" 'BEGIN{ n=v; sub(/[a-z]+$/,"",n); u=v; sub(/^[0-9.]+/,"",u);
    if(u=="us")m=n/1000; else if(u=="ms")m=n; else if(u=="s")m=n*1000; else if(u=="m")m=n*60000; else m=n;
    printf "%.1f", m }'
}

RESULTS="$WORK/results.txt"
: > "$RESULTS"
measure() {  # name path [METHOD]
  local name=$1 path=$2 method=${3:-GET} raw="$WORK/wrk-$1.txt"
  # Warm both workers (and their caches) first.
  BENCH_SESSIONS="$WORK/prep.sessions" BENCH_CSRF="$CSRF" BENCH_METHOD="$method" BENCH_BODY="$BODY" \
    timeout 30 wrk -t2 -c8 -d2s -s bench/wizard.lua "$BASE$path" > /dev/null 2>&1 || true
  BENCH_SESSIONS="$WORK/prep.sessions" BENCH_CSRF="$CSRF" BENCH_METHOD="$method" BENCH_BODY="$BODY" \
    timeout $((SECS + 30)) wrk -t2 -c"$CONN" -d"${SECS}s" --latency --timeout 10s -s bench/wizard.lua \
    "$BASE$path" > "$raw" 2>&1
  local rps p50 p99 non2xx sockerr
  rps=$(awk '/^Requests\/sec:/{print $2}' "$raw")
  p50=$(to_ms "$(awk '$1=="50%"{print $2}' "$raw")")
  p99=$(to_ms "$(awk '$1=="99%"{print $2}' "$raw")")
  non2xx=$(awk '/Non-2xx or 3xx responses:/{print $NF}' "$raw"); non2xx=${non2xx:-0}
  sockerr=$(awk '/Socket errors:/{gsub(/,/,"");s=0;for(i=1;i<=NF;i++)if($i~/^[0-9]+$/)s+=$i;print s}' "$raw")
  echo "$name $method $path $rps $p50 $p99 $((non2xx + ${sockerr:-0}))" >> "$RESULTS"
  echo "   $name: $rps req/s"
}

echo "== wrk -t2 -c$CONN -d${SECS}s against each page"
measure hello "$(j 'd["paths"]["hello"]')"
measure wizard_get "$(j 'd["paths"]["wizard_get"]')"
measure wizard_post "$(j 'd["paths"]["wizard_post"]')" POST
measure plan "$(j 'd["paths"]["plan"]')"
measure print "$(j 'd["paths"]["print"]')"

kill "$GUNICORN_PID"; wait "$GUNICORN_PID" 2>/dev/null || true; GUNICORN_PID=""
status_5xx=$(grep -c '^5' "$WORK/access.log" || true)

echo "== engine alone (a throwaway SQLite database)"
DATABASE_URL="sqlite:///$WORK/engine.sqlite3" "$PY" bench/engine_bench.py > "$WORK/engine.txt"

"$PY" - "$RESULTS" "$WORK/prep.json" "$WORK/engine.txt" "$status_5xx" <<'PYEOF'
import json
import sys

results, prep, engine_file, status_5xx = sys.argv[1:]
queries = json.load(open(prep))["queries"]
rows = [line.split() for line in open(results) if line.strip()]
engine = {}
for line in open(engine_file):
    for item in line.split()[1:]:
        key, _, value = item.partition("=")
        engine[key] = value

labels = {"hello": "hello world (ceiling)", "wizard_get": "wizard step GET", "wizard_post": "wizard step POST",
          "plan": "plan page", "print": "print page"}
print()
print(f"{'page':<22} {'method':<6} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7} {'SQL/page':>9}  path")
hello = None
ratios = {}
for name, method, path, rps, p50, p99, errors in rows:
    rps = float(rps)
    if name == "hello":
        hello = rps
    else:
        ratios[name] = rps
    print(f"{labels[name]:<22} {method:<6} {rps:>9.1f} {p50:>8} {p99:>8} {errors:>7} {queries[name]:>9}  {path}")
print(f"5xx responses logged by gunicorn during the runs: {status_5xx}")
print()
print("engine alone (make_plan with the catalogue, regions and calendar loaded):")
for key, value in engine.items():
    if key.startswith("seeded_plan_ms["):
        print(f"  {key[15:-1]:<34} median {float(value):.3f} ms")
print(f"  seeded procedures, median over {engine['seeded_cases']} cases: "
      f"{float(engine['seeded_plan_median_ms']):.3f} ms (max {float(engine['seeded_plan_max_ms']):.3f})"
      f"   target < 1 ms")
print(f"  generated {engine['generated_states']} states / {engine['generated_transitions']} transitions: "
      f"compile {float(engine['generated_compile_ms']):.1f} ms (target < 200), "
      f"plan {float(engine['generated_plan_ms']):.2f} ms (target < 20)")
print(f"  (CPU time of the same runs: compile {float(engine['generated_compile_cpu_ms']):.1f} ms, "
      f"plan {float(engine['generated_plan_cpu_ms']):.2f} ms; wall time includes waiting for a core)")
worst = min(ratios, key=ratios.get)
print(f"lowest page: {labels[worst]} at {ratios[worst]:.1f} req/s; hello world {hello:.1f} req/s")
print(f"ratio_min={ratios[worst] / hello:.3f}")
PYEOF
