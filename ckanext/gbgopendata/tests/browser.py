"""Browser tests: Debian's chromium, headless, driven from Python (Selenium),
against a real CKAN server process.

Nothing here is faked: the server is `<venv>/bin/ckan -c <ini> run` in a
subprocess, reading the same ini as the pytest run (`--ckan-ini`), so it uses
the same PostgreSQL database, Solr core and Redis db; the test creates its data
in the pytest process through CKAN's action API (Solr commits at once,
`ckan.search.solr_commit` defaults to true) and the browser sees it. Selenium
is always given `/usr/bin/chromedriver` and `/usr/bin/chromium`
(`stack.sh packages` installs Debian's `chromium` and `chromium-driver`), so
Selenium Manager never runs and nothing is downloaded.

Fixtures (conftest.py imports them):

``live_server`` -> :class:`LiveServer`
    The CKAN server for this test. Requesting it resets the database first
    (``clean_db``); the process is started once per session, on the first
    request after that reset, on a free loopback port, and stopped at the end
    of the session. It runs with a derived ini
    (``[app:main] use = config:<the pytest ini>``) whose only changes are
    ``ckan.site_url = http://127.0.0.1:<port>`` (CKAN builds redirects and
    links from it) and its logging (werkzeug's access lines, which the 500
    check reads). Werkzeug's debugger is off (``--disable-debugger``), so a
    failure shows CKAN's own error page, as in production. Config marks
    (``@pytest.mark.ckan_config``) do not reach it: it only knows the ini.
    ``live_server.url``, ``live_server.url_for(path)``, ``live_server.log_path``,
    ``live_server.mark()`` / ``requests_since(mark)`` / ``server_errors_since(mark)``.

``browser`` -> :class:`Browser`
    A fresh chromium (own profile: no cookies) per test, window 1280x2000,
    ``Accept-Language: sv-SE``. ``new_browser(name)`` opens further ones (an
    editor and an admin at the same time, or an anonymous visitor); all are
    closed after the test. At the end of the test any response >= 500 the
    server gave during it fails the test (an error in teardown), and a failed
    test gets a last screenshot of every open browser.

``new_browser`` -> ``new_browser(name: str = "") -> Browser``

``browser_artifacts`` -> :class:`Artifacts`
    ``<root>/browser/<module>.<test name>/`` emptied at the start of the test;
    the root is ``$GBGOPENDATA_TEST_ARTIFACTS`` or ``test-artifacts/`` in the
    repository (git-ignored). The folders written in a run are listed at the
    end of pytest's output. The server's log and derived ini are in
    ``<root>/browser/server-<ini name>.{log,ini}``; chromedriver's log and the
    browser console are saved per test.

:class:`Browser` methods (each page load checks the server's access log and
fails the test on a 5xx, naming the request and quoting the server log):

- ``goto(path)``: open ``/path`` on the live server (or an absolute URL);
- ``login(user_name, password)``: through CKAN's real form at ``/user/login``
  (fields ``login`` and ``password``, the same in CKAN 2.11 and 2.12); fails
  the test unless CKAN accepted it; ``submit_login(...)`` only fills in and
  sends the form (for refused logins); ``logout()`` drops the cookies;
- ``screenshot(step) -> Path``: the whole page as
  ``NN-[<browser name>-]<step>.png``, numbered per test;
- ``assert_no_server_error()``: fails on any 5xx since the last check (also
  requests the page made by script);
- ``requested_urls()``: every URL the browser requested since the last call
  (chromium's network events), to find requests to other hosts;
- ``visible_text(css="body") -> str``: the text a person sees (hidden
  elements excluded), for the language checks; ``ui_attribute_texts()``: the
  visible elements' placeholders, titles, aria-labels, alt texts and button
  values;
- ``find(css)``, ``find_all(css)``, ``wait_for(css, timeout=10)``,
  ``fill(css, text)``, ``click(css)`` (then checks for a 5xx), ``check(css)``
  (choose a radio button or tick a checkbox), ``path``, ``title``, ``driver``
  (the Selenium WebDriver, for anything else).

``trafikkontoret_publishers(organization)`` gives the walks' editor and admin
(password ``PASSWORD``) and describes the organisation in both languages.

The plugins must be loaded before the database is reset (the reset applies
the activity plugin's migrations), and the fixtures that create data
(``organization``) reset it too, so a module marks the session's plugins
(``pytestmark = pytest.mark.usefixtures("with_plugins")``), as the other
modules do. Usage::

    from ckanext.gbgopendata.tests.browser import PASSWORD

    pytestmark = pytest.mark.usefixtures("with_plugins")

    def test_editor_sees_the_form(live_server, browser, organization):
        editor = organization_member(organization, "editor", password=PASSWORD)
        browser.login(editor["name"], PASSWORD)
        browser.goto("/dataset/new")
        browser.screenshot("dataset-form")
        assert "Skapa datamängd" in browser.visible_text()
"""
from __future__ import annotations

import base64
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

import pytest

from ckanext.gbgopendata.tests.helpers import derived_ini_text, free_port, organization_member

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
# A password the browser tests give their users (CKAN's factories make random ones).
PASSWORD = "Rätt-häst-batteri-42"
ARTIFACTS_ENV = "GBGOPENDATA_TEST_ARTIFACTS"
CHROMIUM_FLAGS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
    "--window-size=1280,2000",
)
SERVER_START_TIMEOUT = 90
PAGE_LOAD_TIMEOUT = 60

_ANSI = re.compile(r"\x1b\[[0-9;]*m")
_ACCESS_LINE = re.compile(r'"(?P<method>[A-Z]+) (?P<path>.*?) HTTP/\d(?:\.\d)?" (?P<status>\d{3}) ')


@dataclass(frozen=True)
class Request:
    """One line of the server's access log."""

    method: str
    path: str
    status: int


# --- the server ---------------------------------------------------------------


def _derived_ini(original: Path, site_url: str, settings: dict[str, str] | None = None) -> str:
    # werkzeug at INFO writes the access lines the 500 check reads.
    return "# Written by ckanext/gbgopendata/tests/browser.py for the browser tests' server.\n" + derived_ini_text(
        original, {"ckan.site_url": site_url, **(settings or {})}, loggers_at_info=("werkzeug",)
    )


class LiveServer:
    """`ckan run` in a subprocess with the pytest run's ini (see the module
    docstring). Started by :meth:`start`, which is idempotent."""

    def __init__(self, ini: Path, folder: Path, settings: dict[str, str] | None = None, name: str = "") -> None:
        self.ini = ini
        self.folder = folder
        self.settings = dict(settings or {})
        stem = f"{ini.stem}-{name}" if name else ini.stem
        self.log_path = folder / f"server-{stem}.log"
        self.derived_ini_path = folder / f"server-{stem}.ini"
        self.port = 0
        self.url = ""
        self.start_seconds = 0.0
        self._process: subprocess.Popen[bytes] | None = None

    # lifecycle

    def start(self) -> None:
        if self._process is not None and self._process.poll() is None:
            return
        if self._process is not None:
            raise RuntimeError(f"the CKAN server exited ({self._process.returncode}); see {self.log_path}")
        started = time.monotonic()
        self.folder.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.derived_ini_path.write_text(_derived_ini(self.ini, self.url, self.settings), "utf-8")
        ckan = Path(sys.executable).parent / "ckan"
        # Run by this interpreter: the script's #! line may name another
        # virtualenv's (a copied one), which would serve another checkout's code.
        command = [
            sys.executable, str(ckan), "-c", str(self.derived_ini_path), "run",
            "--host", "127.0.0.1", "--port", str(self.port),
            "--disable-reloader", "--disable-debugger", "--threaded",
        ]
        env = dict(os.environ, PYTHONUNBUFFERED="1")
        with open(self.log_path, "wb") as log:
            log.write(("$ " + " ".join(command) + "\n").encode())
            log.flush()
            self._process = subprocess.Popen(
                command, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env,
                start_new_session=True,
            )
        self._wait_until_answering()
        self.start_seconds = time.monotonic() - started

    def _wait_until_answering(self) -> None:
        deadline = time.monotonic() + SERVER_START_TIMEOUT
        probe = self.url_for("/api/action/status_show")
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise RuntimeError(
                    f"the CKAN server exited with {self._process.returncode} while starting:\n{self.log_tail()}"
                )
            try:
                with urllib.request.urlopen(probe, timeout=5) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"the CKAN server did not answer {probe} within {SERVER_START_TIMEOUT} s:\n{self.log_tail()}")

    def stop(self) -> None:
        process, self._process = self._process, None
        if process is None or process.poll() is not None:
            return
        # Its own session (start_new_session): the signal reaches only the server.
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)

    # addresses

    def url_for(self, path: str) -> str:
        if re.match(r"^https?://", path):
            return path
        return self.url + "/" + path.lstrip("/")

    # the access log

    def mark(self) -> int:
        """A position in the server's log; pass it to requests_since()."""
        return self.log_path.stat().st_size

    def log_since(self, mark: int) -> str:
        with open(self.log_path, "rb") as log:
            log.seek(mark)
            return _ANSI.sub("", log.read().decode("utf-8", "replace"))

    def log_tail(self, chars: int = 4000) -> str:
        text = self.log_since(0)
        return text[-chars:]

    def requests_since(self, mark: int) -> list[Request]:
        found = []
        for line in self.log_since(mark).splitlines():
            match = _ACCESS_LINE.search(line)
            if match:
                found.append(Request(match["method"], match["path"], int(match["status"])))
        return found

    def server_errors_since(self, mark: int) -> list[Request]:
        return [request for request in self.requests_since(mark) if request.status >= 500]

    def assert_no_server_error(self, mark: int, doing: str = "") -> None:
        errors = self.server_errors_since(mark)
        if errors:
            listed = ", ".join(f"{e.method} {e.path} -> {e.status}" for e in errors)
            pytest.fail(
                f"HTTP {errors[0].status} from the server{(' ' + doing) if doing else ''}: {listed}\n"
                f"server log ({self.log_path}) since then:\n{self.log_since(mark)[-6000:]}",
                pytrace=False,
            )


# --- artifacts -------------------------------------------------------------------


def artifacts_root(config: pytest.Config) -> Path:
    root = os.environ.get(ARTIFACTS_ENV)
    return Path(root).resolve() if root else Path(config.rootpath) / "test-artifacts"


def _slug(text: str, keep: str = "") -> str:
    return re.sub(rf"[^a-z0-9åäö{keep}]+", "-", text.lower()).strip("-") or "step"


@dataclass
class Artifacts:
    """The test's folder of screenshots and logs, with the step counter."""

    folder: Path
    count: int = 0

    def next_path(self, step: str, suffix: str) -> Path:
        self.count += 1
        self.folder.mkdir(parents=True, exist_ok=True)
        return self.folder / f"{self.count:02d}-{_slug(step)}{suffix}"


# --- the browser -------------------------------------------------------------------


@dataclass
class Browser:
    """One chromium driven by Selenium; see the module docstring."""

    driver: Any
    server: LiveServer
    artifacts: Artifacts
    name: str = ""
    profile: Path | None = None
    _checked: int = 0
    _extra: dict[str, Any] = field(default_factory=dict)

    # navigation

    def goto(self, path: str) -> None:
        mark = self.server.mark()
        self.driver.get(self.server.url_for(path))
        self.server.assert_no_server_error(mark, f"for {path}")

    @property
    def path(self) -> str:
        url = self.driver.current_url
        return url[len(self.server.url):] if url.startswith(self.server.url) else url

    @property
    def title(self) -> str:
        return self.driver.title

    # elements

    def find(self, css: str):
        from selenium.webdriver.common.by import By

        return self.driver.find_element(By.CSS_SELECTOR, css)

    def find_all(self, css: str) -> list:
        from selenium.webdriver.common.by import By

        return self.driver.find_elements(By.CSS_SELECTOR, css)

    def wait_for(self, css: str, timeout: float = 10):
        from selenium.webdriver.common.by import By
        from selenium.webdriver.support import expected_conditions
        from selenium.webdriver.support.ui import WebDriverWait

        return WebDriverWait(self.driver, timeout).until(
            expected_conditions.visibility_of_element_located((By.CSS_SELECTOR, css))
        )

    def fill(self, css: str, text: str) -> None:
        element = self.find(css)
        element.clear()
        element.send_keys(text)

    def click(self, css: str) -> None:
        """Click and wait for the page the click loads (if any); fails on a 5xx."""
        mark = self.server.mark()
        old = self.find("html")
        element = self.find(css)
        # In the middle of the window, as a person scrolls to it: at the
        # window's edge a sticky bar or a label can take the click.
        self.driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", element)
        from selenium.common.exceptions import ElementClickInterceptedException

        try:
            element.click()
        except ElementClickInterceptedException:
            # After a full-page screenshot chromium can report a covered
            # point on a long page; the DOM click is the same click.
            self.driver.execute_script("arguments[0].click();", element)
        self._wait_for_navigation(old)
        self.server.assert_no_server_error(mark, f"after clicking {css}")

    def check(self, css: str) -> None:
        """Choose a radio button or tick a checkbox, as a click on its label
        does (the label covers the round button), and fail unless it is."""
        element = self.find(css)
        if not element.is_selected():
            self.driver.execute_script("arguments[0].click();", element)
        assert element.is_selected(), css

    def _wait_for_navigation(self, old_html, timeout: float = PAGE_LOAD_TIMEOUT) -> None:
        from selenium.common.exceptions import StaleElementReferenceException

        # A click that loads a page makes the old document stale; one that
        # does not (a script) leaves it: then give requests a moment.
        deadline = time.monotonic() + 2
        while time.monotonic() < deadline:
            try:
                old_html.tag_name
            except StaleElementReferenceException:
                break
            time.sleep(0.05)
        else:
            return
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.driver.execute_script("return document.readyState") == "complete":
                return
            time.sleep(0.05)
        raise AssertionError(f"the page after the click did not load within {timeout} s")

    # users

    def submit_login(self, login: str, password: str) -> None:
        """Fill in and send CKAN's login form (no check of the outcome)."""
        self.goto("/user/login")
        self.fill("#field-login", login)
        self.fill("#field-password", password)
        self.click("form:has(#field-login) button[type=submit]")

    def login(self, login: str, password: str = PASSWORD) -> None:
        """Log in through the real form; fails the test unless CKAN accepted it."""
        self.submit_login(login, password)
        if "/user/login" in self.path or not self.logged_in():
            self.screenshot("login-failed")
            pytest.fail(f"logging in as {login} failed; the page said:\n{self.visible_text()[:2000]}", pytrace=False)

    def logged_in(self) -> bool:
        # CKAN's header has the logout form (2.11 and 2.12) only for a logged-in user.
        return bool(self.find_all("form[action$='/user/_logout']"))

    def logout(self) -> None:
        self.driver.delete_all_cookies()

    # what the browser sent

    def requested_urls(self) -> list[str]:
        """Every URL the browser requested since the last call (pages,
        images, scripts, fonts, fetches), from chromium's network events."""
        import json

        urls = []
        for entry in self.driver.get_log("performance"):
            message = json.loads(entry["message"])["message"]
            if message["method"] == "Network.requestWillBeSent":
                urls.append(message["params"]["request"]["url"])
        return urls

    # what a person sees

    def visible_text(self, css: str = "body") -> str:
        return self.find(css).text

    def ui_attribute_texts(self) -> list[str]:
        """Texts of visible elements a person reads outside the text flow."""
        return self.driver.execute_script(
            """
            const texts = [];
            for (const el of document.querySelectorAll('[placeholder],[title],[aria-label],img[alt],input[type=submit][value],input[type=button][value]')) {
              if (!el.checkVisibility || !el.checkVisibility()) continue;
              for (const name of ['placeholder', 'title', 'aria-label', 'alt']) {
                const value = el.getAttribute(name);
                if (value && value.trim()) texts.push(value.trim());
              }
              if (el.tagName === 'INPUT' && el.value && el.value.trim()) texts.push(el.value.trim());
            }
            return texts;
            """
        )

    def screenshot(self, step: str) -> Path:
        """The whole page (not only the window) as NN-[name-]step.png."""
        path = self.artifacts.next_path(f"{self.name}-{step}" if self.name else step, ".png")
        size = self.driver.execute_cdp_cmd("Page.getLayoutMetrics", {})["cssContentSize"]
        shot = self.driver.execute_cdp_cmd("Page.captureScreenshot", {
            "format": "png",
            "captureBeyondViewport": True,
            "clip": {"x": 0, "y": 0, "width": size["width"], "height": min(size["height"], 12000), "scale": 1},
        })
        path.write_bytes(base64.b64decode(shot["data"]))
        return path

    def assert_no_server_error(self) -> None:
        """Fails on any 5xx since the browser's last check (or its start)."""
        mark, self._checked = self._checked, self.server.mark()
        self.server.assert_no_server_error(mark)

    # end

    def close(self) -> None:
        try:
            entries = self.driver.get_log("browser")
            if entries:
                console = self.artifacts.folder / f"console{'-' + self.name if self.name else ''}.log"
                console.write_text("".join(f"{e['level']} {e['message']}\n" for e in entries), "utf-8")
        except Exception:  # the console is a help for reading a failure, never a failure itself
            pass
        finally:
            self.driver.quit()
            if self.profile is not None:
                shutil.rmtree(self.profile, ignore_errors=True)


def start_browser(server: LiveServer, artifacts: Artifacts, name: str = "", language: str = "sv-SE") -> Browser:
    """A headless chromium with a fresh profile, driven through Debian's chromedriver."""
    os.environ.setdefault("SE_OFFLINE", "true")  # Selenium Manager must never download
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = Path(tempfile.mkdtemp(prefix="gbgopendata-chromium-"))
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={profile}")
    options.add_argument(f"--lang={language}")
    options.add_experimental_option("prefs", {"intl.accept_languages": language})
    # performance: chromium's network events (Browser.requested_urls)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    artifacts.folder.mkdir(parents=True, exist_ok=True)
    service = Service(CHROMEDRIVER, log_output=str(artifacts.folder / f"chromedriver{'-' + name if name else ''}.log"))
    try:
        driver = webdriver.Chrome(service=service, options=options)
    except Exception:
        shutil.rmtree(profile, ignore_errors=True)
        raise
    driver.set_page_load_timeout(PAGE_LOAD_TIMEOUT)
    return Browser(driver=driver, server=server, artifacts=artifacts, name=name, profile=profile,
                   _checked=server.mark())


# --- fixtures -------------------------------------------------------------------------

_WRITTEN = pytest.StashKey[list]()
_OUTCOME = pytest.StashKey[dict]()


@pytest.fixture(scope="session")
def _live_server_process(request) -> Iterator[LiveServer]:
    config = request.config
    ini = config.getoption("ckan_ini")
    if not ini:
        raise RuntimeError("the browser tests need --ckan-ini")
    ini_path = (Path(config.invocation_params.dir) / ini).resolve()
    server = LiveServer(ini_path, artifacts_root(config) / "browser")
    yield server
    server.stop()


@pytest.fixture
def live_server(with_plugins, _live_server_process, clean_db) -> LiveServer:
    _live_server_process.start()
    return _live_server_process


# What the demo portal runs that test.ini does not: the city's default
# publication checklist (test.ini requires nothing of it), and CKAN's CSRF
# protection (test.ini switches it off), so the walks post the real forms
# with their tokens.
PORTAL_SETTINGS = {"ckanext.gbgopendata.checklist_file": "", "WTF_CSRF_ENABLED": "true"}


@pytest.fixture(scope="session")
def _portal_server_process(request) -> Iterator[LiveServer]:
    config = request.config
    ini_path = (Path(config.invocation_params.dir) / config.getoption("ckan_ini")).resolve()
    server = LiveServer(ini_path, artifacts_root(config) / "browser", settings=PORTAL_SETTINGS, name="portal")
    yield server
    server.stop()


@pytest.fixture
def portal_server(with_plugins, _portal_server_process, clean_db) -> LiveServer:
    """A live server configured as the demo portal (PORTAL_SETTINGS: the default checklist, CSRF on). A test
    module that wants its browsers on it overrides ``live_server`` with it."""
    _portal_server_process.start()
    return _portal_server_process


@pytest.fixture
def browser_artifacts(request) -> Artifacts:
    node = request.node
    folder = artifacts_root(request.config) / "browser" / f"{node.module.__name__.rpartition('.')[2]}.{_slug(node.name, keep='_')}"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    request.config.stash.setdefault(_WRITTEN, []).append(folder)
    return Artifacts(folder)


@pytest.fixture
def new_browser(request, live_server, browser_artifacts) -> Iterator[Any]:
    opened: list[Browser] = []
    start_mark = live_server.mark()

    def open_browser(name: str = "") -> Browser:
        opened.append(start_browser(live_server, browser_artifacts, name))
        return opened[-1]

    yield open_browser

    failed = request.node.stash.get(_OUTCOME, {}).get("call", False)
    for browser in opened:
        if failed:
            try:
                browser.screenshot("at-failure")
            except Exception:  # the screenshot is a help for reading the failure
                pass
        browser.close()
    if not failed:  # a failed test has said what went wrong
        live_server.assert_no_server_error(start_mark, "during the test")


@pytest.fixture
def browser(new_browser) -> Browser:
    return new_browser()


def trafikkontoret_publishers(organization: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The walks' people: an editor and an admin (the information owner's
    side) of `organization`, who log in with PASSWORD, and the organisation
    described in Swedish and English as the city describes it (the
    factory's text is random English, which the language checks catch)."""
    from ckan.tests import helpers as ckan_helpers

    site_user = ckan_helpers.call_action("get_site_user")["name"]
    ckan_helpers.call_action(
        "organization_patch", context={"ignore_auth": True, "user": site_user}, id=organization["id"], description="",
        description_translated={"sv": "Trafikkontoret ansvarar för gator, trafik och parkering.",
                                "en": "The Urban Transport Administration is responsible for streets, traffic and parking."},
    )
    editor = organization_member(organization, "editor", password=PASSWORD, image_url="", fullname="Anna Redaktör")
    admin = organization_member(organization, "admin", password=PASSWORD, image_url="", fullname="Erik Informationsägare")
    return editor, admin


# --- hooks (conftest.py imports them) -------------------------------------------------


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    item.stash.setdefault(_OUTCOME, {})[report.when] = report.failed
    return report


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:
    written = config.stash.get(_WRITTEN, [])
    if written:
        terminalreporter.write_sep("-", "browser test artifacts")
        for folder in written:
            terminalreporter.write_line(str(folder))
        server_log = artifacts_root(config) / "browser"
        terminalreporter.write_line(f"server logs: {server_log}/server-*.log")
