#!/usr/bin/env bash
# Install Debian's Chromium for the browser tests when it is missing
# (Playwright cannot download its own browser on these machines).
set -euo pipefail
CHROMIUM="${NBVERSION_CHROMIUM:-/usr/bin/chromium}"
if [ -x "$CHROMIUM" ]; then
  exit 0
fi
if [ "$(id -u)" != 0 ]; then
  SUDO=sudo
else
  SUDO=
fi
echo "Installing Debian chromium for the browser tests"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq chromium > /dev/null
"$CHROMIUM" --version
