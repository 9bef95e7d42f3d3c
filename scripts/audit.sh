#!/usr/bin/env bash
# Known vulnerabilities in the pinned dependencies: pip-audit (Python, requirements.lock) and
# npm audit (front-end, package-lock.json). Both ask their registry's advisory service, so this
# needs the network: CI runs it (.ci/run); locally `make audit`.
set -euo pipefail
cd "$(dirname "$0")/.."
echo "== pip-audit (requirements.lock)"
# --no-deps --disable-pip: the lock already pins every package; --strict: a package the service
# cannot find fails the audit instead of passing it unchecked.
.venv/bin/pip-audit --requirement requirements.lock --no-deps --disable-pip --strict \
  --progress-spinner off
echo "== npm audit (package-lock.json)"
npm audit --audit-level=low
