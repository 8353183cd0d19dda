"""bandit finds no security issue of medium or high severity in the package."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "factcheck"
# -ll: medium severity and above, at any confidence; -q: no banner, only findings.
BANDIT = [sys.executable, "-m", "bandit", "-ll", "-q"]


def _bandit(*targets: Path) -> subprocess.CompletedProcess:
    return subprocess.run([*BANDIT, "-r", *map(str, targets)], capture_output=True, text=True,
                          check=False, timeout=300)


def test_bandit_is_clean_at_medium_severity_and_above():
    assert PACKAGE.is_dir()  # bandit exits 0 on a path that does not exist
    result = _bandit(PACKAGE)
    assert result.returncode == 0, result.stdout + result.stderr


def test_bandit_run_this_way_does_report_a_medium_issue(tmp_path):
    # Guards the flags above: a run that silently checks nothing would also exit 0.
    (tmp_path / "unsafe.py").write_text(
        "from markupsafe import Markup\n\n\ndef page(text):\n    return Markup(text)\n")
    result = _bandit(tmp_path)
    assert result.returncode == 1 and "B704" in result.stdout, result.stdout + result.stderr
