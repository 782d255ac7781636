#!/usr/bin/env bash
# Sets up and runs every test against a real PostgreSQL (a private cluster per test project
# under .data/test-pg, stopped at the end).
set -uo pipefail
cd "$(dirname "$0")"
./scripts/setup.sh || exit 1
export ARCHIVE_TEST_PGDATA="${ARCHIVE_TEST_PGDATA:-$PWD/.data/test-pg}"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet build Archive.sln -c Release -v quiet -nologo || exit 1
stop_pg() {
  pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
  for pid in "$ARCHIVE_TEST_PGDATA"/*/data/postmaster.pid; do
    [ -f "$pid" ] || continue
    data=$(dirname "$pid")
    if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$pgbin/pg_ctl" -D "$data" -m fast stop >/dev/null 2>&1
    else "$pgbin/pg_ctl" -D "$data" -m fast stop >/dev/null 2>&1; fi
  done
}
trap stop_pg EXIT
log=$(mktemp)
dotnet test Archive.sln -c Release --no-build -nologo 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
# One closing line for the whole run, summed over the test projects.
read -r passed failed skipped < <(grep -E '(Passed|Failed)!' "$log" | sed -E 's/.*Failed: *([0-9]+), Passed: *([0-9]+), Skipped: *([0-9]+).*/\2 \1 \3/' \
  | awk '{p+=$1; f+=$2; s+=$3} END {print p+0, f+0, s+0}')
echo "$passed passed, $failed failed, $skipped skipped"
[ "$passed" -gt 0 ] || { echo "no test ran" >&2; exit 1; }
exit "$status"
