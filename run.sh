#!/usr/bin/env bash
# Sets up and runs the archive on http://127.0.0.1:8080 (ASPNETCORE_URLS overrides).
# With no ConnectionStrings__Archive configured it starts a private PostgreSQL in .data/
# (ARCHIVE_DATA names another folder) and stops it on shutdown.
set -euo pipefail
cd "$(dirname "$0")"
./scripts/setup.sh
dotnet build src/Archive.Api/Archive.Api.csproj -c Release -v quiet -nologo
export ASPNETCORE_URLS="${ASPNETCORE_URLS:-http://127.0.0.1:8080}"
export ARCHIVE_DATA="${ARCHIVE_DATA:-$PWD/.data}"
# Digitization workers (OCR → PDF/A → signature) run in this host unless switched off.
export Archive__Digitization__WorkersEnabled="${Archive__Digitization__WorkersEnabled:-true}"
exec dotnet run --no-build -c Release --project src/Archive.Api/Archive.Api.csproj
