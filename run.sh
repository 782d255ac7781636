#!/usr/bin/env bash
# Sets up and runs the archive on http://127.0.0.1:8080 (ASPNETCORE_URLS overrides).
# With no ConnectionStrings__Archive configured it starts a private PostgreSQL in .data/
# (ARCHIVE_DATA names another folder) and stops it on shutdown.
set -euo pipefail
cd "$(dirname "$0")"
./scripts/setup.sh
host=src/Archive.Api/bin/Release/net10.0/Archive.Api.dll
stamp=src/Archive.Api/obj/run.sh.built
# A start whose build is current skips MSBuild altogether (a no-op build alone costs 10-40 s): build only when
# the host or the stamp of run.sh's last build is missing, or a source or project file is newer than that stamp.
stale() {
  [ -f "$host" ] && [ -f "$stamp" ] || return 0
  [ -n "$(find src Directory.Build.props Directory.Packages.props global.json \
          \( -path '*/bin' -o -path '*/obj' \) -prune -o -type f -newer "$stamp" \
          \( -name '*.cs' -o -name '*.csproj' -o -name '*.props' -o -name '*.targets' -o -name '*.json' -o -name '*.resx' \) \
          -print -quit 2>/dev/null)" ]
}
if stale; then
  dotnet build src/Archive.Api/Archive.Api.csproj -c Release -v quiet -nologo
  touch "$stamp"
fi
export ASPNETCORE_URLS="${ASPNETCORE_URLS:-http://127.0.0.1:8080}"
export ARCHIVE_DATA="${ARCHIVE_DATA:-$PWD/.data}"
# Digitization workers (OCR → PDF/A → signature) run in this host unless switched off.
export Archive__Digitization__WorkersEnabled="${Archive__Digitization__WorkersEnabled:-true}"
# The built host itself, not `dotnet run` (which evaluates the project again before starting).
exec dotnet "$host"
