"""Organisation names on /organization/ break only between words, never
mid-word ("Miljöförvaltninge|n", issue 20 item 7), in Swedish and in
English, on a wide and a narrow window: the card is as wide as the
longest word of its name."""
from __future__ import annotations

import pytest
from ckan.tests import factories

from ckanext.gbgopendata.tests.helpers import organization_fields

pytestmark = pytest.mark.usefixtures("with_plugins")

NAMES = [
    ("miljoforvaltningen", "Miljöförvaltningen", "Environment Administration"),
    ("stadsbyggnadskontoret", "Stadsbyggnadskontoret", "Urban Planning Administration"),
    ("socialforvaltningen-nordost", "Socialförvaltningen Nordost", "Social Welfare Administration North-East"),
    ("fastighetskontoret", "Fastighetskontoret", "Property Management Administration"),
]

# Where each line of a heading's text starts: the index of the first
# character on a new line box, and the characters either side of it.
LINE_STARTS = """
const result = [];
for (const heading of document.querySelectorAll('.media-grid .media-heading')) {
  const text = heading.firstChild && heading.textContent;
  const walker = document.createTreeWalker(heading, NodeFilter.SHOW_TEXT);
  let node, top = null, seen = '';
  while ((node = walker.nextNode())) {
    for (let i = 0; i < node.data.length; i++) {
      const range = document.createRange();
      range.setStart(node, i); range.setEnd(node, i + 1);
      const rect = range.getClientRects()[0];
      if (rect && top !== null && rect.top > top + 2 && node.data[i] !== ' ') {
        result.push([heading.textContent.trim(), seen.slice(-1), node.data[i]]);
      }
      if (rect && node.data[i] !== ' ') top = rect ? rect.top : top;
      seen += node.data[i];
    }
  }
}
return result;
"""


@pytest.mark.parametrize("width", [1280, 420])
def test_organisation_names_break_only_between_words(live_server, browser, clean_db, width):
    for name, sv, en in NAMES:
        factories.Organization(name=name, **organization_fields(title_translated={"sv": sv, "en": en}))
    browser.driver.set_window_size(width, 1600)
    for path, names in (("/organization/", [sv for _, sv, _ in NAMES]), ("/en/organization/", [en for _, _, en in NAMES])):
        browser.goto(path)
        browser.wait_for(".media-grid .media-heading")
        shown = [element.text for element in browser.find_all(".media-grid .media-heading")]
        assert set(names) <= set(shown)
        mid_word = [(heading, before, after) for heading, before, after in browser.driver.execute_script(LINE_STARTS)
                    if before not in (" ", "-", "\u00ad")]
        browser.screenshot(f"organizations-{width}-{path.strip('/').replace('/', '-')}")
        assert mid_word == [], (path, width)
