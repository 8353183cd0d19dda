#!/usr/bin/env python3
"""One-command set-up for a machine with only Python 3.11+.

    python3 dev.py demo   # run the app on SQLite with demo accounts and the sample article
    python3 dev.py test   # run the whole test suite (ruff + pytest)

Both create `.venv/` on first use and reinstall only when pyproject.toml changes.
Where npm is installed, `test` also puts the Nu Html Checker and axe-core into `.tools/`
once (the HTML and accessibility tests need them, and Java for the first).
Extra arguments are passed on: `python3 dev.py test -k login`, `python3 dev.py demo --port 8000`.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
# The Nu Html Checker and axe-core for tests/e2e/test_quality.py (skipped without them).
NPM_INSTALL_TOOLS = ("install", "--ignore-scripts", "--no-audit", "--no-fund", "--prefix",
                     ".tools", "vnu-jar", "axe-core")


def _run(*args: str | Path) -> None:
    subprocess.run([str(a) for a in args], check=True, cwd=ROOT)  # noqa: S603


def ensure_venv(extras: str) -> None:
    """Create the virtual environment and install the project with `extras` if needed."""
    if sys.version_info < (3, 11):  # noqa: UP036 (friendly message on old Pythons)
        sys.exit("factcheck needs Python 3.11 or newer.")
    if not (BIN / "python").exists():
        print("Creating the virtual environment in .venv ...", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()[:16]
    stamp = VENV / f".installed-{extras or 'base'}-{digest}"
    if not stamp.exists():
        print("Installing factcheck and its dependencies ...", flush=True)
        _run(BIN / "python", "-m", "pip", "install", "--quiet", "--upgrade", "pip")
        target = f".[{extras}]" if extras else "."
        _run(BIN / "python", "-m", "pip", "install", "--quiet", "-e", target)
        stamp.touch()


def ensure_tools() -> None:
    """Install the HTML and accessibility checkers into .tools/ once, if npm is there."""
    npm = shutil.which("npm")  # npm.cmd on Windows
    if npm is None or (ROOT / ".tools" / "node_modules").is_dir():
        return
    print("Installing the Nu Html Checker and axe-core into .tools ...", flush=True)
    if subprocess.call([npm, *NPM_INSTALL_TOOLS], cwd=ROOT):  # noqa: S603
        print("npm install failed: the HTML and accessibility tests will be skipped "
              "(or fail, with FACTCHECK_REQUIRE_E2E=1).", flush=True)


def main() -> int:
    """Dispatch `demo` or `test`."""
    if len(sys.argv) < 2 or sys.argv[1] not in {"demo", "test"}:
        print(__doc__)
        return 2
    command, rest = sys.argv[1], sys.argv[2:]
    if command == "demo":
        ensure_venv("")
        return subprocess.call([str(BIN / "factcheck"), "demo", *rest], cwd=ROOT)  # noqa: S603
    ensure_venv("dev")
    ensure_tools()
    lint = subprocess.call([str(BIN / "ruff"), "check", "."], cwd=ROOT)  # noqa: S603
    tests = subprocess.call([str(BIN / "python"), "-m", "pytest", *rest], cwd=ROOT)  # noqa: S603
    return tests or lint


if __name__ == "__main__":
    sys.exit(main())
