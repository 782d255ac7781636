#!/usr/bin/env bash
# Installs what the archive needs on a fresh Debian machine (idempotent, quiet when all is there).
set -euo pipefail
need=()
pkgs=(postgresql postgresql-contrib poppler-utils qpdf openssl ghostscript img2pdf
      tesseract-ocr tesseract-ocr-vie ocrmypdf fonts-liberation2 libnss3-tools chromium)
# One dpkg-query for all (run.sh calls this on every start).
installed=$(dpkg-query -W -f='${Package} ${Status}\n' "${pkgs[@]}" 2>/dev/null | awk '/install ok installed/ {print $1}' || true)
for p in "${pkgs[@]}"; do
  grep -qx "$p" <<<"$installed" || need+=("$p")
done
if [ ${#need[@]} -gt 0 ]; then
  echo "setup: installing ${need[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
# Debian's postgresql package starts a system cluster on 5432; the archive never uses it.
command -v dotnet >/dev/null || { echo "setup: the .NET 10 SDK is required (dotnet not on PATH)" >&2; exit 1; }
# The API contract's tools (issue 16): Redocly CLI from the npm registry lints the served OpenAPI document, and the
# Kiota generator (.config/dotnet-tools.json) checks the checked-in client. Both install into the checkout only.
lint="$(cd "$(dirname "$0")/.." && pwd)/tools/openapi-lint"
if [ ! -x "$lint/node_modules/.bin/redocly" ] || [ "$lint/package-lock.json" -nt "$lint/node_modules/.package-lock.json" ]; then
  command -v npm >/dev/null || { SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"; $SUDO apt-get update -qq; DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null; }
  (cd "$lint" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
fi
(cd "$lint/../.." && dotnet tool restore >/dev/null)
