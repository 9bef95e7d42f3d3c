#!/usr/bin/env bash
# Known vulnerabilities in the pinned dependencies: pip-audit (Python, requirements.lock) and
# npm audit (front-end, package-lock.json). Both ask their registry's advisory service.
#
# A vulnerability found fails the run. An advisory service that cannot be reached (some networks
# only mirror the package indexes) does not: the run says loudly that the audit is UNVERIFIED,
# because failing every build on a missing service would only teach people to ignore the step.
set -uo pipefail
cd "$(dirname "$0")/.."
status=0
report=$(mktemp)
trap 'rm -f "$report"' EXIT

echo "== pip-audit (requirements.lock)"
# --no-deps --disable-pip: the lock already pins every package.
.venv/bin/pip-audit --requirement requirements.lock --no-deps --disable-pip \
  --progress-spinner off --format json --output "$report" 2>/dev/null
.venv/bin/python - "$report" <<'PY' || status=1
import json, sys

dependencies = json.load(open(sys.argv[1]))["dependencies"]
audited = [d for d in dependencies if "skip_reason" not in d]
vulnerable = [d for d in audited if d.get("vulns")]
for dependency in vulnerable:
    for vuln in dependency["vulns"]:
        print(f"VULNERABLE {dependency['name']} {dependency['version']}: {vuln['id']}"
              f" (fixed in {', '.join(vuln.get('fix_versions') or ['no release yet'])})")
print(f"pip-audit: {len(audited)} of {len(dependencies)} packages audited,"
      f" {len(vulnerable)} with known vulnerabilities")
if len(audited) < len(dependencies):
    print(f"UNVERIFIED: {len(dependencies) - len(audited)} packages could not be looked up"
          " (advisory service unreachable from this network)")
sys.exit(1 if vulnerable else 0)
PY

echo "== npm audit (package-lock.json)"
npm_output=$(npm audit --audit-level=low 2>&1)
npm_status=$?
echo "$npm_output" | grep -v "Unknown user config"
if [ $npm_status -ne 0 ]; then
  if echo "$npm_output" | grep -q "audit endpoint returned an error"; then
    echo "UNVERIFIED: npm's advisory endpoint could not be reached from this network"
  else
    status=1
  fi
fi
exit $status
