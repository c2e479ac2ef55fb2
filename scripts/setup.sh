#!/usr/bin/env bash
# Set up Bearing on a fresh Debian machine: system packages (Chromium for the browser tests,
# Pango for PDF reports, PostgreSQL for the app's tests on it), uv, and the locked Python
# environment in .venv.
# Idempotent and quick when everything is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(chromium libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core postgresql)

missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing Debian packages: ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if ! command -v uv >/dev/null 2>&1; then
  echo "setup: installing uv"
  python3 -m pip install --quiet --disable-pip-version-check uv
fi
UV="$(command -v uv || echo "$(python3 -m site --user-base)/bin/uv")"

"$UV" sync --frozen --quiet
echo "setup: environment ready in .venv"
