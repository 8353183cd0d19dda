"""A built wheel carries the templates, migrations, static files and data, serves pages,
imports HTML and web pages, and declares every library those imports load."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from collections.abc import Iterable, Iterator
from email.parser import Parser
from importlib import metadata
from pathlib import Path

import pytest
from hatchling.builders.wheel import WheelBuilder
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

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
# Share cards are drawn with the fonts the wheel carries, never the system's.
from factcheck.engine.cards import Card, render_card
from factcheck.web.public import FONTS
assert str(FONTS).startswith(sys.argv[2]), FONTS
png = render_card(Card(claim="د کابل ښاري شورا بودجه تصویب کړه.", verdict="Verdict: True",
                       colour="#1a7f37", organisation="Desk", kicker="Fact check"), fonts=FONTS)
assert png.startswith(bytes([0x89]) + b"PNG"), png[:8]
print("ok")
"""

# Imports an HTML upload and a page served from 127.0.0.1 through the editor's form, as a
# fresh installation would: libraries of distributions the wheel does not declare
# (directly or through its dependencies) cannot be imported. The 500 on every HTML import
# of a fresh install came from a library that only happened to be installed here.
IMPORT_SCRIPT = r'''
import importlib.abc, io, json, re, sys, threading, time


class Uninstalled(importlib.abc.MetaPathFinder):
    """Libraries a fresh install of the wheel would not have cannot be imported."""

    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in blocked:
            raise ModuleNotFoundError(f"No module named {name!r} (not declared)", name=name)


blocked = set(json.loads(sys.argv[2]))
at_start = set(sys.modules)  # the interpreter's own start-up (site, .pth files)
sys.meta_path.insert(0, Uninstalled())
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from factcheck import create_app
from factcheck.extensions import db
from factcheck.infra.migrate import upgrade
from factcheck.states import Role
from factcheck.worker import Worker
from factcheck.workflow.accounts import create_user

PAGE = ("<html><head><title>{title}</title><meta name='author' content='Ana Writer'></head>"
        "<body><nav>Home | World</nav><article><h1>{title}</h1>"
        "<p>The minister said unemployment fell by 4 percent last year.</p>"
        "<p>Exports grew to 12 billion dollars in 2025, the statistics office reported.</p>"
        "</article><footer>Contact us</footer></body></html>")


class Page(BaseHTTPRequestHandler):
    def do_GET(self):
        body = PAGE.format(title="Served page").encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


# Errors propagate: a missing library shows as its traceback rather than a bare 500.
app = create_app({"SECRET_KEY": "k" * 40, "DATABASE_URL": sys.argv[1],
                  "PROPAGATE_EXCEPTIONS": True})
assert app.config["URL_IMPORT_ALLOW_LOOPBACK"] is True  # from the environment
upgrade(app)
with app.app_context():
    create_user(db.session, email="ed@example.org", display_name="Ed", role=Role.EDITOR,
                password="a long enough passphrase", actor=None)
    db.session.commit()
client = app.test_client()


def post(url, data, **kwargs):
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"',
                      client.get(url).get_data(as_text=True)).group(1)
    return client.post(url, data={**data, "csrf_token": token}, **kwargs)


assert post("/login", {"email": "ed@example.org",
                       "password": "a long enough passphrase"}).status_code == 302
upload = (io.BytesIO(PAGE.format(title="Uploaded page").encode()), "page.html")
reply = post("/editor/articles/new", {"file": upload}, content_type="multipart/form-data")
assert reply.status_code == 302, reply.get_data(as_text=True)[-3000:]
server = ThreadingHTTPServer(("127.0.0.1", 0), Page)
threading.Thread(target=server.serve_forever, daemon=True).start()
reply = post("/editor/articles/new", {"url": f"http://127.0.0.1:{server.server_port}/a"})
assert reply.status_code == 302, reply.get_data(as_text=True)[-3000:]
progress = reply.location  # a background job fetches the page: run a real worker
worker = Worker(app, own_signals=False).start()
for _attempt in range(200):
    reply = client.get(progress)
    if reply.status_code == 302:
        break
    time.sleep(0.05)
worker.stop()
assert reply.status_code == 302 and "/editor/articles/" in reply.location, reply.status_code
server.shutdown()
listing = client.get("/editor/").get_data(as_text=True)
assert "Uploaded page" in listing and "Served page" in listing, listing

loaded_later = {name.split(".")[0] for name in set(sys.modules) - at_start}
assert not blocked & loaded_later, blocked & loaded_later
print("ok")
'''


def _needed(texts: list[str] | None, extras: Iterable[str] = ()) -> Iterator[Requirement]:
    """The requirements among `texts` that apply here with `extras` requested."""
    for text in texts or []:
        requirement = Requirement(text)
        marker = requirement.marker
        if marker is None or any(marker.evaluate({"extra": e}) for e in ["", *extras]):
            yield requirement


def _undeclared_modules(wheel_metadata: Path) -> set[str]:
    """Top-level modules installed here whose distributions the wheel does not pull in.

    The wheel's requirements are followed through the installed distributions' own,
    with the extras asked for, as pip would resolve them (no extra of factcheck itself).
    """
    requires = Parser().parsestr(wheel_metadata.read_text("utf-8")).get_all("Requires-Dist")
    declared: set[tuple[str, frozenset]] = set()
    todo = list(_needed(requires))
    while todo:
        requirement = todo.pop()
        key = (canonicalize_name(requirement.name), frozenset(requirement.extras))
        if key not in declared:
            declared.add(key)
            todo.extend(_needed(metadata.requires(requirement.name), requirement.extras))
    names = {name for name, _extras in declared} | {"factcheck"}
    return {module for module, dists in metadata.packages_distributions().items()
            if module not in sys.stdlib_module_names
            and not {canonicalize_name(d) for d in dists} & names}


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> tuple[set[str], Path]:
    """The wheel built from this checkout: its file names and where it is unpacked."""
    tmp = tmp_path_factory.mktemp("wheel")
    built = Path(next(WheelBuilder(str(ROOT)).build(directory=str(tmp / "dist"))))
    with zipfile.ZipFile(built) as archive:
        names = set(archive.namelist())
        archive.extractall(tmp / "site")
    return names, tmp / "site"


def _run(script: str, site: Path, tmp_path: Path, *args: str,
         env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """Run `script` on the unpacked wheel (first on the path), outside the checkout."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("FACTCHECK_")}
    clean.update(PYTHONPATH=str(site), FACTCHECK_INSTANCE_PATH=str(tmp_path / "instance"),
                 **(env or {}))
    return subprocess.run([sys.executable, "-c", script, *args], env=clean, cwd=tmp_path,
                          capture_output=True, text=True, timeout=120)


def test_wheel_ships_everything_and_works_outside_the_checkout(wheel, tmp_path):
    names, site = wheel
    for required in (
        "factcheck/templates/base.html",
        "factcheck/templates/auth/login.html",
        "factcheck/migrations/env.py",
        "factcheck/migrations/script.py.mako",
        "factcheck/migrations/versions/0001_initial_schema.py",
        "factcheck/static/style.css",
        "factcheck/data/national-consensus.txt",
        "factcheck/data/common-passwords.txt",
        "factcheck/data/fonts/DejaVuSans.ttf",
        "factcheck/data/fonts/DejaVuSans-Bold.ttf",
        "factcheck/data/fonts/LICENSE-DejaVu.txt",
        "factcheck/data/fonts/NotoSansArabic-Regular.ttf",
        "factcheck/data/fonts/NotoSansArabic-Bold.ttf",
        "factcheck/data/fonts/LICENSE-Noto-OFL.txt",
    ):
        assert required in names, required
    result = _run(SCRIPT, site, tmp_path, f"sqlite:///{tmp_path / 'w.sqlite'}", str(site))
    assert result.stdout.strip() == "ok", result.stderr


def test_installed_wheel_imports_html_and_urls_and_declares_what_they_load(wheel, tmp_path):
    _names, site = wheel
    blocked = _undeclared_modules(next(site.glob("factcheck-*.dist-info/METADATA")))
    assert {"pytest", "hatchling"} <= blocked and "lxml_html_clean" not in blocked
    result = _run(IMPORT_SCRIPT, site, tmp_path, f"sqlite:///{tmp_path / 'i.sqlite'}",
                  json.dumps(sorted(blocked)), env={"FACTCHECK_URL_IMPORT_ALLOW_LOOPBACK": "true"})
    assert result.stdout.strip() == "ok", result.stderr
