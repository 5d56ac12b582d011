#!/usr/bin/env bash
# Runs the whole test suite: unit, integration, component (bunit) and end-to-end (Playwright + Chromium).
# Installs what the tests need when it is missing: Debian's chromium and docker-compose, Node.js/npm for the
# front-end packages, and the dotnet tools of the repository. Ends with one line: "N passed, N failed, N skipped".
set -euo pipefail
cd "$(dirname "$0")"

configuration="${CONFIGURATION:-Debug}"
chromium="${C360_CHROMIUM:-/usr/bin/chromium}"

missing=()
[ -x "$chromium" ] || missing+=(chromium fonts-liberation)
command -v docker-compose >/dev/null || missing+=(docker-compose)
command -v npm >/dev/null || missing+=(nodejs npm)
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing test prerequisites: ${missing[*]}"
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  # --no-install-recommends keeps docker-compose from pulling in a container engine we do not use.
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Front-end packages (apexcharts) and the official Segment client the tracking tests drive.
for folder in wwwroot-assets tests/tracking-client; do
  if [ -f "$folder/package-lock.json" ] && [ ! -d "$folder/node_modules" ]; then
    (cd "$folder" && npm ci --no-audit --no-fund --loglevel=error)
  fi
done
dotnet tool restore >/dev/null
dotnet build Customer360Portal.sln -c "$configuration" -nologo -clp:ErrorsOnly

results="$(mktemp -d)"
trap 'rm -rf "$results"' EXIT
status=0
portal_log="${C360_E2E_ARTIFACTS:-artifacts/e2e}/portal.log"
rm -f "$portal_log"
# Unit and integration tests first, the browser tests last: one app and one browser on a 2-core machine.
for project in tests/*/*.Tests.csproj e2e/*/*.csproj; do
  name="$(basename "$project" .csproj)"
  echo "== $name"
  dotnet test "$project" -c "$configuration" --no-build -nologo \
    --logger "trx;LogFileName=$name.trx" --logger "console;verbosity=minimal" \
    --results-directory "$results" || status=1
done

# When something failed, show the portal's own errors from the browser tests (its log carries no personal data):
# on a CI machine this output is all there is to go on.
if [ "$status" -ne 0 ] && [ -f "$portal_log" ] && grep -qE '^(fail|crit):' "$portal_log"; then
  echo "== errors in the portal's log during the browser tests ($portal_log)"
  grep -E -A4 '^(fail|crit):' "$portal_log" | head -80
fi

passed=0; failed=0; skipped=0
for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  counters="$(grep -o '<Counters [^>]*>' "$trx")"
  total=$(sed -E 's/.* total="([0-9]+)".*/\1/' <<<"$counters")
  p=$(sed -E 's/.* passed="([0-9]+)".*/\1/' <<<"$counters")
  f=$(sed -E 's/.* failed="([0-9]+)".*/\1/' <<<"$counters")
  passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + total - p - f))
done
[ "$passed" -gt 0 ] || status=1
echo "$passed passed, $failed failed, $skipped skipped"
exit $status
