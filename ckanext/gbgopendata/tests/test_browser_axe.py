"""Accessibility checked by a tool, not by eye (issue 20): axe-core, from the
npm registry, injected by Selenium into the portal's pages as Debian's
chromium draws them, in Swedish and English. No page may have a violation of
impact "serious" or "critical"; every rule axe-core runs by default counts
(none is switched off).

axe-core is installed once, at the pinned version, by npm (the registry's
ordinary client, which checks the tarball against the sha512 integrity of
the registry's metadata) into the git-ignored ``.stack/axe-core-<version>/``;
``stack.sh packages`` installs Debian's ``npm`` on a fresh machine."""
from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from ckan.tests import factories

from ckanext.gbgopendata.tests.browser import PASSWORD
from ckanext.gbgopendata.tests.test_quality_admin import catalogue, other_organization  # noqa: F401 (fixtures)

pytestmark = pytest.mark.usefixtures("with_plugins")

AXE_CORE_VERSION = "4.14.1"
# The impacts a page may not have (axe-core's scale: minor, moderate, serious, critical).
REFUSED_IMPACTS = ("serious", "critical")

RUN_AXE = """
const done = arguments[arguments.length - 1];
axe.run(document, {resultTypes: ["violations"]})
  .then(result => done(result.violations.map(v => ({
      id: v.id, impact: v.impact, help: v.help,
      targets: v.nodes.map(node => node.target.join(" "))}))))
  .catch(error => done({error: String(error)}));
"""


@pytest.fixture(scope="session")
def axe_source(request) -> str:
    """axe.min.js of the pinned axe-core, installed by npm on first use."""
    folder = Path(request.config.rootpath) / ".stack" / f"axe-core-{AXE_CORE_VERSION}"
    package = folder / "node_modules" / "axe-core"
    if not (package / "axe.min.js").is_file():
        npm = shutil.which("npm")
        assert npm, "npm is needed for axe-core (Debian's npm: stack/stack.sh packages)"
        folder.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [npm, "install", "--prefix", str(folder), "--no-save", "--no-package-lock", "--no-audit", "--no-fund",
             "--ignore-scripts", f"axe-core@{AXE_CORE_VERSION}"],
            check=True, capture_output=True, timeout=300,
        )
    assert json.loads((package / "package.json").read_text("utf-8"))["version"] == AXE_CORE_VERSION
    return (package / "axe.min.js").read_text("utf-8")


def _violations(browser, axe_source: str, path: str, others: list[str], reload: bool = True) -> list[str]:
    """The page's serious and critical violations, one line per element;
    the milder ones are added to `others` (printed, not refused)."""
    if reload:
        browser.goto(path)
    assert browser.path == path, f"{path} led to {browser.path}"  # the page itself, not a login form
    browser.driver.execute_script(axe_source)
    found = browser.driver.execute_async_script(RUN_AXE)
    assert isinstance(found, list), f"axe-core failed on {path}: {found}"
    lines = []
    for violation in found:
        for target in violation["targets"]:
            line = f"{path}: {violation['id']} ({violation['impact']}) {target}: {violation['help']}"
            (lines if violation["impact"] in REFUSED_IMPACTS else others).append(line)
    return lines


def test_the_publishers_and_the_visitors_pages_have_no_serious_or_critical_violations(
        live_server, browser, organization, catalogue, axe_source):
    browser.driver.set_script_timeout(60)
    dataset = "parkeringsplatser"  # the complete one: every field on its page
    public = ["/", "/dataset/", f"/dataset/{dataset}"]
    publishers = [
        f"/dataset/{dataset}",
        "/dataset/new",
        f"/dataset/edit/{dataset}",
        f"/dataset/{dataset}/resource/new",
        f"/dataset/{dataset}/checklist",
        f"/organization/{organization['name']}/publicering",
        "/ckan-admin/publicering",
        "/ckan-admin/kvalitet",
    ]
    violations, milder = [], []
    for path in public:
        for prefix in ("", "/en"):
            violations += _violations(browser, axe_source, prefix + path, milder)
    factories.Sysadmin(name="tillganglighet", password=PASSWORD, fullname="Sara Systemadministratör", image_url="")
    browser.login("tillganglighet", PASSWORD)
    for path in publishers:
        for prefix in ("", "/en"):
            violations += _violations(browser, axe_source, prefix + path, milder)
            if not prefix:
                browser.screenshot(path.strip("/").replace("/", "-"))
    # An input added to "Följer standard" gets its own label (repeating-inputs.js), in both languages.
    for prefix, label in (("", "Följer standard"), ("/en", "Conforms to")):
        browser.goto(prefix + "/dataset/new")
        browser.driver.execute_script("arguments[0].click();", browser.find(
            "fieldset[name=conforms_to] a[href^='javascript:MultipleText.multiple_add']"))
        browser.wait_for("#field-conforms_to-2")
        assert browser.find("label[for=field-conforms_to-2]").get_attribute("textContent") == f"{label} 2"
        assert [e.get_attribute("id") for e in browser.find_all("input[name=conforms_to]")] == [
            "field-conforms_to-1", "field-conforms_to-2"]
        violations += _violations(browser, axe_source, prefix + "/dataset/new", milder, reload=False)
    print("minor and moderate (not refused):", *milder, sep="\n")
    print("serious and critical:", *violations, sep="\n")
    assert violations == [], f"{len(violations)} serious or critical violations:\n" + "\n".join(violations)
