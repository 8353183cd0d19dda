"""No file of the repository keeps a merge's conflict markers (one once sat in the README)."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MARKER = re.compile(rb"^(<{7}|>{7}) |^={7}$", re.MULTILINE)


def test_no_tracked_text_file_holds_conflict_markers():
    listed = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True,
                            check=True).stdout.split(b"\0")
    found = []
    for name in filter(None, listed):
        path = ROOT / name.decode()
        if not path.is_file():
            continue
        data = path.read_bytes()
        if b"\0" in data[:8192]:
            continue  # binary (fonts, images)
        if MARKER.search(data):
            found.append(name.decode())
    assert found == []
