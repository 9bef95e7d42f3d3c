"""An outside OpenAPI client against the running API: schemathesis with every check finds nothing.

It runs the ``st`` command on a live test server, with the repository's ``schemathesis.toml`` (422
is an expected answer to schema-valid data that breaks a rule spanning fields). A fixed seed and
a small example budget keep it deterministic and well under two minutes.
"""

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ST = Path(sys.executable).parent / "st"

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.api_contract]


def test_schemathesis_with_every_check_finds_nothing(live_server):
    result = subprocess.run(
        [
            str(ST),
            "--config-file",
            str(ROOT / "schemathesis.toml"),
            "run",
            f"{live_server.url}/api/v1/openapi.json",
            "--checks",
            "all",
            "--max-examples",
            "8",
            "--seed",
            "1",
            "--workers",
            "1",
            "--no-color",
        ],
        capture_output=True,
        text=True,
        timeout=170,  # a guard for a stuck server; a run takes about 15 s of CPU
        cwd=ROOT,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    # Every operation of the API was exercised (none filtered out).
    counts = re.search(r"(\d+) selected / (\d+) total", result.stdout)
    assert counts
    assert counts.group(1) == counts.group(2)
    assert int(counts.group(2)) >= 5
