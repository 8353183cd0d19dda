"""Journey: a reader goes from a claim on the verdict page to the claim's own page, whose
share card (its Open Graph image) loads in the browser as a 1200 x 630 image."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from factcheck.states import Role

from .conftest import decided_article

TEXT = ("Unemployment fell to 3.5 percent in October, the lowest rate since 2019.\n"
        "The council approved a budget of $4.2 million on Tuesday.")
LOAD_IMAGE = """async (url) => {
  const image = new Image();
  image.src = url;
  await image.decode();
  return [image.naturalWidth, image.naturalHeight];
}"""


def test_a_reader_opens_a_claims_page_and_its_share_card_loads(page: Page, app, make_user):
    editor = make_user(Role.EDITOR)
    _article_id, slug = decided_article(app, editor, title="Jobs and budget", body=TEXT,
                                        publish=True)

    page.goto(f"/checks/{slug}")
    page.locator("#claim-2").get_by_role(
        "link", name="Permalink and share card of claim 2").click()
    expect(page).to_have_url(re.compile(rf"/checks/{re.escape(slug)}/claims/2$"))
    # Headed by its short claim; its words follow, quoted.
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "The council approved a budget of $4.2 million on Tuesday")
    expect(page.locator(".claim-words")).to_contain_text(
        "The council approved a budget of $4.2 million on Tuesday.")
    expect(page.locator(".verdict")).to_have_text("✔ Mostly true")
    expect(page.get_by_role("main")).to_contain_text("Close to the official data.")

    og_image = page.locator('meta[property="og:image"]').get_attribute("content")
    assert og_image == f"{page.url}/card.png"  # absolute, on this site
    assert page.evaluate(LOAD_IMAGE, og_image) == [1200, 630]
    # The page shows the card too, as readers will see it shared.
    card = page.get_by_role("img", name=re.compile("council approved a budget"))
    expect(card).to_be_visible()
    assert card.evaluate("img => img.complete && img.naturalWidth") == 1200

    page.get_by_role("link", name=re.compile("Back to the whole check")).click()
    expect(page).to_have_url(re.compile(r"#claim-2$"))
    expect(page.locator("#claim-2")).to_be_in_viewport()
