#!/usr/bin/env bash
# Rewrites the checked-in API contract after an API change: docs/openapi/v1.json from the document the host serves,
# then tests/Archive.Api.Tests/Client/Generated from it with Kiota 1.38.0 (.config/dotnet-tools.json). Commit both.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
export ARCHIVE_TEST_PGDATA="${ARCHIVE_TEST_PGDATA:-$PWD/.data/test-pg}" ARCHIVE_UPDATE_CONTRACT=1
dotnet build tests/Archive.Api.Tests -c Release -v quiet -nologo
dotnet test tests/Archive.Api.Tests -c Release --no-build -nologo --filter "FullyQualifiedName~api_contract_files.the_checked_in_document"
dotnet test tests/Archive.Api.Tests -c Release --no-build -nologo --filter "FullyQualifiedName~api_contract_files.the_checked_in_client"
