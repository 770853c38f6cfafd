#!/usr/bin/env bash
# The Debian packages the tests need that pip cannot install: Chromium renders pages (with CJK
# fonts for the Korean text), nginx serves the published site with its generated config,
# OpenLink Virtuoso is the remote store push and query --endpoint are tested against.
#
#   scripts/install-test-packages.sh                 (.ci/run) install the missing ones, or fail
#   scripts/install-test-packages.sh --if-possible   (make test) install them if this user can
#                      (root, or sudo without a password, and apt-get); else say in one line what
#                      is missing and carry on: the tests that need it then fail, each in one line
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive

missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium fonts-noto-cjk)
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || missing+=(nginx)
command -v virtuoso-t >/dev/null 2>&1 || missing+=(virtuoso-opensource)
[ "${#missing[@]}" -eq 0 ] && exit 0

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

install() {
  as_root apt-get update -qq || return 1
  # (sudo drops DEBIAN_FRONTEND, and virtuoso-opensource asks debconf for a DBA password)
  as_root env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null || return 1
  # Debian starts nginx on port 80 and Virtuoso on 1111 and 8890 when they are installed; the
  # tests run their own instances.
  as_root service nginx stop >/dev/null 2>&1 || true
  as_root service virtuoso-opensource-7 stop >/dev/null 2>&1 || true
}

if [ "${1:-}" != --if-possible ]; then
  install
elif ! command -v apt-get >/dev/null 2>&1 \
  || { [ "$(id -u)" -ne 0 ] && ! sudo -n true >/dev/null 2>&1; } \
  || ! install; then
  echo "make test: not installed: ${missing[*]} (the browser, web-server and Virtuoso tests" \
    "will fail); install them with: sudo apt-get install --no-install-recommends ${missing[*]}" >&2
fi
