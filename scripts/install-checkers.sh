#!/usr/bin/env bash
# Install the accessibility and HTML checkers the browser tests use: axe-core and the
# Nu HTML Checker (vnu.jar, run with the machine's Java). Idempotent: does nothing when
# the pinned versions are already there.
#
# Usage: scripts/install-checkers.sh [--lighthouse]
#   CHECKERS_DIR (default .checkers/ in the project) receives node_modules/.
#   --lighthouse also installs Lighthouse 12 there, for scripts/lighthouse.sh (not the tests).
set -euo pipefail
cd "$(dirname "$0")/.."
CHECKERS_DIR="${CHECKERS_DIR:-$PWD/.checkers}"
mkdir -p "$CHECKERS_DIR"
with_lighthouse=false
[[ "${1:-}" == "--lighthouse" ]] && with_lighthouse=true

# Java runs vnu.jar; npm (with Node.js) installs the checkers. Both from Debian when missing.
missing=()
command -v java >/dev/null || missing+=(default-jre-headless)
command -v npm >/dev/null || missing+=(npm)
if ((${#missing[@]})); then
  echo "Installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update
  apt-get install -y --no-install-recommends "${missing[@]}" </dev/null
fi

installed() {  # installed PACKAGE MAJOR: true when node_modules holds PACKAGE at that major version
  local manifest="$CHECKERS_DIR/node_modules/$1/package.json"
  [[ -f "$manifest" ]] && node -e "process.exit(require(process.argv[1]).version.split('.')[0] === process.argv[2] ? 0 : 1)" "$manifest" "$2"
}

# A package.json of our own keeps npm from walking up into another project.
[[ -f "$CHECKERS_DIR/package.json" ]] || echo '{"name": "checkers", "private": true}' >"$CHECKERS_DIR/package.json"
npm_install() { npm install --no-audit --no-fund --loglevel=error --prefix "$CHECKERS_DIR" "$@"; }

installed axe-core 4 || npm_install axe-core@4
# vnu-jar's postinstall downloads a JRE; the system Java does the job.
installed vnu-jar 26 || npm_install --ignore-scripts vnu-jar@26
if $with_lighthouse; then
  installed lighthouse 12 || npm_install lighthouse@12
fi

AXE="$CHECKERS_DIR/node_modules/axe-core/axe.min.js"
VNU="$CHECKERS_DIR/node_modules/vnu-jar/build/dist/vnu.jar"
[[ -f "$AXE" ]] || { echo "install-checkers.sh: $AXE missing after install" >&2; exit 1; }
[[ -f "$VNU" ]] || { echo "install-checkers.sh: $VNU missing after install" >&2; exit 1; }
echo "axe-core $(node -p "require('$CHECKERS_DIR/node_modules/axe-core/package.json').version"): $AXE"
echo "vnu $(java -jar "$VNU" --version): $VNU"
if $with_lighthouse; then
  echo "lighthouse $(node -p "require('$CHECKERS_DIR/node_modules/lighthouse/package.json').version")"
fi
