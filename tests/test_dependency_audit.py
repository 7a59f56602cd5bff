"""Dependency audit: pip-audit over the pinned requirements finds no known vulnerability.

An advisory that does not affect us goes into IGNORED with the reason; nothing is ignored today.
pip-audit looks each pin up in PyPI's JSON API; a pin it cannot find there is reported as not
audited. The package mirror on our CI machines does not serve that API (every lookup is a 404),
so there the audit can only prove the files resolve; wherever PyPI itself is reachable, set
PIP_AUDIT_STRICT=1 to make any unaudited pin a failure too (docs/reliability.md).
"""

import json
import os
import subprocess
import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
PIP_AUDIT = Path(sys.executable).with_name("pip-audit")

# Vulnerability id -> why it does not apply to taskmanager. Keep each reason specific.
IGNORED: dict[str, str] = {}


def test_it_finds_no_known_vulnerability_in_the_pinned_dependencies(tmp_path):
    report = tmp_path / "audit.json"
    command = [
        str(PIP_AUDIT),
        "--progress-spinner",
        "off",
        "--format",
        "json",
        "--output",
        str(report),
        "-r",
        "requirements.txt",
        "-r",
        "requirements-dev.txt",
    ]
    for vuln_id in IGNORED:
        command += ["--ignore-vuln", vuln_id]
    done = subprocess.run(  # noqa: S603 - pip-audit from our venv
        command, cwd=PROJECT, capture_output=True, text=True, timeout=600, check=False
    )
    assert report.exists(), done.stderr[-2000:]
    dependencies = json.loads(report.read_text())["dependencies"]
    assert len(dependencies) >= 10  # it really read the requirement files

    vulnerable = {d["name"]: [v["id"] for v in d["vulns"]] for d in dependencies if d.get("vulns")}
    assert not vulnerable, f"known vulnerabilities: {vulnerable}"

    unaudited = sorted(d["name"] for d in dependencies if d.get("skip_reason"))
    if unaudited:
        print(f"pip-audit could not audit {len(unaudited)} pins: {', '.join(unaudited)}")
    if os.environ.get("PIP_AUDIT_STRICT") == "1":
        assert not unaudited, f"not audited (not found on PyPI?): {unaudited}"
