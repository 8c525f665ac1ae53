#!/usr/bin/env bash
# Install the Debian packages the test suite and the app need, when they are missing.
#
#   chromium        browser tests (Playwright drives it via executable_path; no Playwright download)
#   postgresql-15   server binaries for the throwaway test cluster (tests/support/postgres.py);
#                   the system cluster the package may start is not used
#   poppler-utils   pdftoppm / pdftotext, used by the certificate PDF tests
#   fonts-noto-cjk  CJK fonts, so Chromium renders Chinese instead of empty boxes
#   fonts-wqy-microhei  a TrueType CJK font reportlab can embed in PDFs (Noto CJK is CFF, which it cannot read)
#   fonts-hanazono  TrueType Hanazono Mincho A/B: CJK extension A and B characters of rare names (王𫖯, 刘䶮),
#                   the fallback fonts of competitions/pdf_fonts.py
#
# Idempotent and offline-safe: installed packages are checked with dpkg first, and apt-get update runs
# only when something must be installed. When not root (or without apt-get) it only reports what is
# missing and exits 0: tests then skip locally and fail in CI (CI=true).
#
# Usage: scripts/system-deps.sh           install what is missing (when root)
#        scripts/system-deps.sh --check   report what is missing; exit 1 if anything is
set -euo pipefail

PACKAGES=(chromium postgresql-15 poppler-utils fonts-noto-cjk fonts-wqy-microhei fonts-hanazono)

is_installed() {
    dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'
}

missing=()
if command -v dpkg-query >/dev/null 2>&1; then
    for package in "${PACKAGES[@]}"; do
        is_installed "$package" || missing+=("$package")
    done
else
    echo "system-deps: dpkg not found (not Debian?); install these by hand: ${PACKAGES[*]}"
    exit 0
fi

if [ ${#missing[@]} -eq 0 ]; then
    echo "system-deps: all present (${PACKAGES[*]})"
    exit 0
fi

echo "system-deps: missing: ${missing[*]}"
if [ "${1:-}" = "--check" ]; then
    exit 1
fi
if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "system-deps: not root or no apt-get; run as root: apt-get install ${missing[*]}"
    exit 0
fi

export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends "${missing[@]}"
echo "system-deps: installed ${missing[*]}"
