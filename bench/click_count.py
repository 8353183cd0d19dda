"""Count the page loads and form submissions of the whole desk path, in a real browser.

    .venv/bin/python bench/click_count.py [--json] [--verbose]

The script behind the table of bench/click_count.md. It starts `factcheck serve` (via
tests/serving.py's `running_server`) on a fresh SQLite database in a temporary directory,
after `factcheck db upgrade` and `factcheck create-user` for an editor and two reviewers.
Then headless Debian Chromium (launched as tests/e2e/conftest.py does) follows the path of
the table as the people would, each in their own browser context, by the pages' labels
and roles:

1. the editor signs in, imports the demo article (factcheck/data/national-consensus.txt)
   through the import form, ticks 3 candidates, picks both reviewers and a due date, and
   presses "Assign ticked claims";
2. each reviewer signs in, opens the first claim of their queue, chooses a rating, types a
   rationale and one source, presses "Submit verdict", then follows "Next claim" to the
   other two;
3. the editor opens the board, ticks the 3 claims, "Decide ticked unanimous claims…",
   types the conclusions, confirms, then "Preview and publish" and "Publish the check";
4. a reader, not signed in, opens the public verdict page and must see 3 verdicts.

A *page load* is a main-frame document response that is not a redirect (so a form's
redirect counts once, for the page it lands on; a jump to an anchor does not count); a
*submission* is a POST request of type document. Both are counted per step and per
person, and printed as the Markdown table of bench/click_count.md, or as JSON (--json);
--verbose lists each of them on stderr as it happens.

Any failed step (a label or role not found, an unexpected page, a document answered with
4xx/5xx, a dialog) stops the script with a message naming the step, and exit status 1.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from importlib import resources
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from playwright.sync_api import (  # noqa: E402
    Browser,
    Page,
    Request,
    Response,
    expect,
    sync_playwright,
)
from playwright.sync_api import Error as PlaywrightError  # noqa: E402

# The browser exactly as the end-to-end tests launch it.
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, TIMEOUT_MS  # noqa: E402
from tests.serving import FACTCHECK, running_server, server_env  # noqa: E402

SAMPLE = resources.files("factcheck.data").joinpath("national-consensus.txt").read_text()
TITLE = "National Consensus statement"
PASSWORD = "click count passphrase 2026"  # noqa: S105 (a throw-away database)
EDITOR = ("eda@example.org", "Eda Editor", "editor")
REVIEWERS = [("ana@example.org", "Ana Reviewer", "reviewer"),
             ("bo@example.org", "Bo Reviewer", "reviewer")]
CLAIMS = 3
RATING = "True"  # both reviewers agree, so the claims can be decided in bulk
SOURCE = ("https://www.un.org/press/statement", "UN press statement")

# The rows of bench/click_count.md, in order; the reader's row is outside the totals.
EDITOR_SIGN_IN = "Editor: login page, sign in → Articles"
IMPORT = "Import an article page, import the sample → board"
ASSIGN = ("Tick 3 candidates, 2 reviewers, a due date, \"Assign ticked claims\" → board "
          "(candidates are selected and assigned in one step)")
A_SIGN_IN = "Reviewer A: login page, sign in → My claims (reviewers land on their queue)"
A_FIRST = ("Reviewer A, first claim: open it; type the verdict and the source, \"Submit "
           "verdict\" (the source is added and cited in the same submission) → claim")
A_OTHERS = "Reviewer A, the two others: \"Next claim\" → claim, submit → claim"
B_ALL = "Reviewer B: the same"
DECIDE = ("Editor: board, tick the 3 claims, \"Decide ticked unanimous claims…\" → page with "
          "each shared verdict (conclusions typed, reasoning prefilled), Confirm → board")
PUBLISH = "\"Preview and publish\" → preview, \"Publish the check\" → board"
READER = "Reader (not signed in): the public verdict page, 3 verdicts"
ROWS = [EDITOR_SIGN_IN, IMPORT, ASSIGN, A_SIGN_IN, A_FIRST, A_OTHERS, B_ALL, DECIDE, PUBLISH]


class StepFailed(Exception):
    """A step of the path did not go as a user would expect."""


@dataclass
class Tally:
    loads: int = 0
    submissions: int = 0
    redirects: int = 0


@dataclass
class Counter:
    """Page loads and submissions of every watched page, per row and per person."""

    row: str | None = None
    person: str | None = None
    rows: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    people: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    problems: list[str] = field(default_factory=list)
    verbose: bool = False

    def watch(self, page: Page, person: str) -> Page:
        page.on("request", lambda request: self._request(page, person, request))
        page.on("response", lambda response: self._response(page, person, response))
        page.on("dialog", lambda dialog: self._dialog(person, dialog))
        return page

    def _here(self, person: str) -> str:
        if self.row is None or person != self.person:
            # Nothing should happen outside a step, nor in another person's browser.
            self.problems.append(f"{person}'s browser loaded something during "
                                 f"{self.person}'s step {self.row!r}")
        return self.row or "(outside any step)"

    def _request(self, page: Page, person: str, request: Request) -> None:
        if (request.resource_type == "document" and request.frame == page.main_frame
                and request.method == "POST"):
            row = self._here(person)
            self.rows[row].submissions += 1
            self.people[person].submissions += 1
            self._log(person, "submission", f"POST {request.url}")

    def _response(self, page: Page, person: str, response: Response) -> None:
        request = response.request
        if request.resource_type != "document" or request.frame != page.main_frame:
            return
        row = self._here(person)
        if 300 <= response.status < 400:
            self.rows[row].redirects += 1
            self.people[person].redirects += 1
            self._log(person, "redirect", f"{response.status} {request.method} {response.url}")
            return
        self.rows[row].loads += 1
        self.people[person].loads += 1
        self._log(person, "page load", f"{response.status} {request.method} {response.url}")
        if response.status >= 400:
            self.problems.append(f"{request.method} {response.url} answered {response.status}")

    def _log(self, person: str, kind: str, what: str) -> None:
        if self.verbose:
            print(f"{person:10} {kind:10} {what}", file=sys.stderr)

    def _dialog(self, person: str, dialog) -> None:
        self.problems.append(f"{person} got an unexpected dialog: {dialog.message!r}")
        dialog.dismiss()

    @contextmanager
    def step(self, row: str, person: str, page: Page) -> Iterator[None]:
        """Count what happens in the block under `row`; fail on errors or a bad status."""
        self.row, self.person = row, person
        try:
            yield
            page.wait_for_load_state("load")  # every event of the last page is in
        except (AssertionError, PlaywrightError) as error:
            raise StepFailed(f"{person}, step {row!r}, at {page.url}:\n{error}") from error
        finally:
            self.row = self.person = None
        if self.problems:
            raise StepFailed(f"{person}, step {row!r}: " + "; ".join(self.problems))


# --- the path ------------------------------------------------------------------------------


def new_page(browser: Browser, base_url: str, counter: Counter, person: str) -> Page:
    """A page in a browser context of its own (own cookies), counted for `person`."""
    context = browser.new_context(base_url=base_url)
    context.set_default_timeout(TIMEOUT_MS)
    return counter.watch(context.new_page(), person)


def sign_in(page: Page, email: str, landing: str) -> None:
    page.goto("/login")
    page.get_by_label("Email", exact=True).fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name=landing, level=1)).to_be_visible()


def review(page: Page, name: str, n: int) -> None:
    """On an open claim: a rating, a rationale and one source, cited; "Submit verdict"."""
    expect(page.get_by_role("heading", name="Check this claim", level=1)).to_be_visible()
    page.get_by_label("Rating").select_option(label=RATING)
    page.get_by_label("Rationale").fill(f"{name}: the UN statement confirms claim {n}.")
    # The source's fields are in a <details>: open it by its summary, "Add evidence".
    page.get_by_text("Add evidence", exact=True).first.click()
    page.get_by_label("Source address").fill(SOURCE[0])
    page.get_by_label("Title", exact=True).fill(SOURCE[1])
    expect(page.get_by_label("Cite it in my verdict")).to_be_checked()
    page.get_by_role("button", name="Submit verdict").click()
    expect(page.get_by_role("status")).to_contain_text("Review submitted.")
    expect(page.locator("#my-review")).to_contain_text(SOURCE[1])


def reviewer_path(page: Page, counter: Counter, person: str, email: str, name: str,
                  rows: tuple[str, str, str]) -> None:
    with counter.step(rows[0], person, page):
        sign_in(page, email, "My claims")
    with counter.step(rows[1], person, page):
        queue = page.get_by_role("table", name="Claims assigned to you")
        expect(queue.get_by_role("row")).to_have_count(CLAIMS + 1)  # and the header
        queue.get_by_role("link").first.click()
        review(page, name, 1)
    for n in range(2, CLAIMS + 1):
        with counter.step(rows[2], person, page):
            page.get_by_role("link", name=re.compile(r"^Next claim:")).click()
            review(page, name, n)
    expect(page.get_by_text("No other claim waits for your verdict.")).to_be_visible()


def desk_path(browser: Browser, base_url: str, counter: Counter) -> str:
    """The whole path; returns the public page's address, as the reader gets it."""
    desk = new_page(browser, base_url, counter, "editor")
    with counter.step(EDITOR_SIGN_IN, "editor", desk):
        sign_in(desk, EDITOR[0], "Articles")
    with counter.step(IMPORT, "editor", desk):
        desk.get_by_role("link", name="Import an article").click()
        desk.get_by_label("Paste the article text").fill(SAMPLE)
        desk.get_by_label("Title", exact=True).fill(TITLE)
        desk.get_by_role("button", name="Import and find claims").click()
        expect(desk).to_have_url(re.compile(r"/editor/articles/\d+$"))
        expect(desk.get_by_role("heading", name=TITLE, level=1)).to_be_visible()
    board = desk.url
    with counter.step(ASSIGN, "editor", desk):
        for n in range(1, CLAIMS + 1):
            desk.get_by_label(f"Tick claim {n}", exact=True).check()
        for _email, name, _role in REVIEWERS:
            desk.get_by_label(name, exact=True).check()
        desk.get_by_label("Due date").fill((date.today() + timedelta(days=7)).isoformat())
        desk.get_by_role("button", name="Assign ticked claims").click()
        expect(desk.get_by_role("status")).to_contain_text(
            f"{CLAIMS} claims assigned to {REVIEWERS[0][1]}, {REVIEWERS[1][1]}.")

    for letter, (email, name, _role) in zip("AB", REVIEWERS, strict=True):
        person = f"reviewer {letter}"
        rows = (A_SIGN_IN, A_FIRST, A_OTHERS) if letter == "A" else (B_ALL,) * 3
        page = new_page(browser, base_url, counter, person)
        reviewer_path(page, counter, person, email, name, rows)
        page.context.close()

    with counter.step(DECIDE, "editor", desk):
        desk.goto(board)  # back to the board the editor left open
        for n in range(1, CLAIMS + 1):
            desk.get_by_label(f"Tick claim {n}", exact=True).check()
        # "Decide ticked…" is in a <details>: open it by its summary.
        desk.get_by_text("Other actions on the ticked claims", exact=True).click()
        desk.get_by_role("button", name="Decide ticked unanimous claims…").click()
        expect(desk.get_by_role("heading", name="Decide unanimous claims", level=1)
               ).to_be_visible()
        # Each conclusion field is named after its claim ("Conclusion for readers: …").
        conclusions = desk.get_by_label(re.compile(r"^Conclusion for readers: "))
        expect(conclusions).to_have_count(CLAIMS)
        for index in range(CLAIMS):
            conclusions.nth(index).fill(f"The UN statement confirms claim {index + 1}.")
        desk.get_by_role("button", name=f"Confirm: decide {CLAIMS} claims").click()
        expect(desk.get_by_role("status")).to_contain_text(f"{CLAIMS} claims decided.")
    with counter.step(PUBLISH, "editor", desk):
        desk.get_by_role("button", name="Preview and publish").click()
        expect(desk.get_by_role("heading", name="Publish the check?", level=1)).to_be_visible()
        desk.get_by_role("button", name="Publish the check").click()
        expect(desk.get_by_role("status")).to_contain_text("Published.")
        # The board now shows the public page's address (a regex with "/" breaks Playwright).
        public = desk.get_by_role("link", name=re.compile(r"^http.*checks.+")).get_attribute(
            "href")
    desk.context.close()
    if not public:
        raise StepFailed("the published board shows no link to the public page")
    return public


def reader_path(browser: Browser, base_url: str, counter: Counter, public: str) -> None:
    reader = new_page(browser, base_url, counter, "reader")
    with counter.step(READER, "reader", reader):
        reader.goto(public)
        expect(reader.get_by_role("heading", name=TITLE, level=1)).to_be_visible()
        expect(reader.get_by_role("heading", name=f"{CLAIMS} claims checked")).to_be_visible()
        verdicts = reader.get_by_text(re.compile(rf"^Verdict:\s*\S+\s+{RATING}$"))
        expect(verdicts).to_have_count(CLAIMS)
    reader.context.close()


# --- set-up and report ---------------------------------------------------------------------


def prepare(workdir: Path) -> str:
    """A migrated SQLite database with the editor and both reviewers; its URL."""
    instance = workdir / "instance"
    instance.mkdir()
    url = f"sqlite:///{instance / 'factcheck.sqlite'}"
    env = server_env(instance, url, None)
    commands = [([str(FACTCHECK), "db", "upgrade"], None)]
    for email, name, role in [EDITOR, *REVIEWERS]:
        commands.append(([str(FACTCHECK), "create-user", email, "--role", role, "--name", name,
                          "--password-stdin"], PASSWORD + "\n"))
    for command, stdin in commands:
        done = subprocess.run(command, input=stdin, capture_output=True, text=True, env=env,  # noqa: S603
                              check=False)
        if done.returncode:
            raise StepFailed(f"{' '.join(command[1:3])} failed:\n{done.stdout}{done.stderr}")
    return url


def figures(counter: Counter, seconds: float) -> dict:
    rows = [{"step": row, "page_loads": counter.rows[row].loads,
             "submissions": counter.rows[row].submissions,
             "redirects": counter.rows[row].redirects} for row in ROWS]
    people = {person: {"page_loads": tally.loads, "submissions": tally.submissions}
              for person, tally in counter.people.items()}
    reader = counter.rows[READER]
    return {
        "rows": rows,
        "total": {"page_loads": sum(r["page_loads"] for r in rows),
                  "submissions": sum(r["submissions"] for r in rows)},
        "people": people,
        "reader": {"step": READER, "page_loads": reader.loads,
                   "submissions": reader.submissions},
        "redirects": sum(tally.redirects for tally in counter.rows.values()),
        "seconds": round(seconds, 1),
    }


def table(result: dict) -> str:
    lines = ["| Step | Page loads | Submissions |", "|---|---:|---:|"]
    lines += [f"| {r['step']} | {r['page_loads']} | {r['submissions']} |"
              for r in result["rows"]]
    total = result["total"]
    lines.append(f"| **Total** | **{total['page_loads']}** | **{total['submissions']}** |")
    lines.append("")
    lines.append("Per person: " + "; ".join(
        f"{person} {t['page_loads']} loads, {t['submissions']} submissions"
        for person, t in result["people"].items() if person != "reader") + ".")
    reader = result["reader"]
    lines.append(f"Then (not in the totals): {reader['step']}: {reader['page_loads']} page "
                 f"load, {reader['submissions']} submissions.")
    lines.append(f"Redirects followed: {result['redirects']}. Run time: "
                 f"{result['seconds']} s.")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--verbose", action="store_true",
                        help="list every page load, redirect and submission on stderr")
    args = parser.parse_args(argv)
    if not CHROMIUM.exists():
        print(f"click_count: Chromium not found at {CHROMIUM} (apt-get install chromium)",
              file=sys.stderr)
        return 1
    started = time.monotonic()
    counter = Counter(verbose=args.verbose)
    with tempfile.TemporaryDirectory(prefix="click-count-") as tmp:
        workdir = Path(tmp)
        try:
            url = prepare(workdir)
            with running_server(workdir, database_url=url) as server, \
                    sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
                try:
                    public = desk_path(browser, server, counter)
                    reader_path(browser, server, counter, public)
                finally:
                    browser.close()
        # AssertionError: the server did not start; PlaywrightError: the browser did not.
        except (StepFailed, AssertionError, PlaywrightError) as error:
            print(f"click_count: FAILED: {error}", file=sys.stderr)
            log = workdir / "server.log"
            if log.exists():
                tail = log.read_text(errors="replace").splitlines()[-15:]
                print("Server log (last lines):\n" + "\n".join(tail), file=sys.stderr)
            return 1
    result = figures(counter, time.monotonic() - started)
    print(json.dumps(result, indent=2, ensure_ascii=False) if args.json else table(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
