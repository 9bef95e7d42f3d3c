#!/usr/bin/env bash
# The quality gates and the whole test suite, in the order CI runs them.
set -euo pipefail
cd "$(dirname "$0")/.."
export DJANGO_SECRET_KEY="${DJANGO_SECRET_KEY:-test-only-secret-key-not-for-production}"
export DJANGO_STATIC_MANIFEST="${DJANGO_STATIC_MANIFEST:-0}"
# The test client and the live server speak plain http on loopback.
export DJANGO_SECURE_SSL_REDIRECT="${DJANGO_SECURE_SSL_REDIRECT:-0}"
export DJANGO_SECURE_COOKIES="${DJANGO_SECURE_COOKIES:-0}"
BIN=.venv/bin
CHROMIUM="${CHROMIUM_PATH:-/usr/bin/chromium}"

# Browser tests drive Debian's Chromium; install it when we can (root with apt-get).
if [ ! -x "$CHROMIUM" ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "== installing Debian's chromium for the browser tests"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi

echo "== ruff"
$BIN/ruff check .
$BIN/ruff format --check .
echo "== mypy with django-stubs (every package, tests and benchmarks; strict on the margin engine)"
$BIN/mypy
echo "== django checks (production settings: check --deploy with nothing silenced)"
# A production site has an SMTP server (without one, academy.W001 warns that resets are dropped).
env -u DJANGO_SECURE_SSL_REDIRECT -u DJANGO_SECURE_COOKIES DJANGO_DEBUG=0 \
  DJANGO_EMAIL_HOST="${DJANGO_EMAIL_HOST:-smtp.example.invalid}" \
  DJANGO_SECRET_KEY="deploy-check-$(head -c 48 /dev/urandom | base64 | tr -d '/+=')" \
  $BIN/python manage.py check --deploy --fail-level WARNING
$BIN/python manage.py check --fail-level WARNING
$BIN/python manage.py makemigrations --check --dry-run
echo "== pytest (database: ${DATABASE_URL:-sqlite})"
$BIN/pytest "$@"
