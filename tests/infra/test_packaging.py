"""A built wheel carries the templates, migrations, static files and data, and serves pages."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

from hatchling.builders.wheel import WheelBuilder

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = """
import sys
from factcheck import create_app
app = create_app({"SECRET_KEY": "k" * 40, "DATABASE_URL": sys.argv[1]})
assert app.template_folder.startswith(sys.argv[2]), app.template_folder
from factcheck.infra.migrate import upgrade
upgrade(app)
response = app.test_client().get("/setup")
assert response.status_code == 200 and "Set up factcheck" in response.get_data(as_text=True)
print("ok")
"""


def test_wheel_ships_everything_and_works_outside_the_checkout(tmp_path):
    wheel = Path(next(WheelBuilder(str(ROOT)).build(directory=str(tmp_path / "dist"))))
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        archive.extractall(tmp_path / "site")
    for required in (
        "factcheck/templates/base.html",
        "factcheck/templates/auth/login.html",
        "factcheck/migrations/env.py",
        "factcheck/migrations/script.py.mako",
        "factcheck/migrations/versions/0001_initial_schema.py",
        "factcheck/static/style.css",
        "factcheck/data/national-consensus.txt",
        "factcheck/data/common-passwords.txt",
    ):
        assert required in names, required
    site = tmp_path / "site"
    env = {k: v for k, v in os.environ.items() if not k.startswith("FACTCHECK_")}
    env.update(PYTHONPATH=str(site), FACTCHECK_INSTANCE_PATH=str(tmp_path / "instance"))
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT, f"sqlite:///{tmp_path / 'w.sqlite'}", str(site)],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.stdout.strip() == "ok", result.stderr
