"""Drive the staff page in a real headless Chromium, as a coordinator's browser would."""

import os

import pytest
from chrome import CHROMEDRIVER, CHROMIUM, headless_chrome, serving
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import Select, WebDriverWait

from app import create_app
from conftest import fixture_text

MISSING = [str(path) for path in (CHROMIUM, CHROMEDRIVER) if not path.exists()]
pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists() and not os.environ.get("CI"),
    reason=f"{CHROMIUM} is not installed: `make browser` installs it (CI never skips this)",
)


@pytest.fixture(scope="module")
def base_url(tmp_path_factory):
    # Demo mode opens the page to loopback, where this server listens, as under `make run`.
    path = tmp_path_factory.mktemp("browser") / "referrals.yaml"
    path.write_text(fixture_text(), encoding="utf-8")
    app = create_app({"TESTING": True, "DEMO_MODE": True, "REFERRALS_PATH": str(path)})
    with serving(app) as url:
        yield url


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    if MISSING:
        pytest.fail(f"{' and '.join(MISSING)} missing: run `make browser` to install it")
    with headless_chrome(tmp_path_factory.mktemp("chromium-profile")) as driver:
        yield driver


def labelled(browser, label: str):
    """Return the form field a visible label names, as a screen reader finds it."""
    element = browser.find_element(By.XPATH, f"//label[normalize-space()='{label}']")
    return browser.find_element(By.ID, element.get_attribute("for"))


def submit_with_keyboard(browser) -> None:
    button = browser.find_element(By.CSS_SELECTOR, "button[type=submit]")
    button.send_keys(Keys.ENTER)
    # Caught mid-navigation, Chrome may answer for the old button with another error ("does not
    # belong to the document", a run of the whole suite under load failed on it) before the
    # stale element staleness_of waits for: poll again. A page that never goes still times out.
    WebDriverWait(browser, 10, ignored_exceptions=(WebDriverException,)).until(
        expected_conditions.staleness_of(button)
    )


def test_preview_a_text_then_the_same_text_in_spanish(browser, base_url):
    browser.get(base_url + "/")
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "en"
    labelled(browser, "A text someone might send").send_keys("i ran away from home")
    submit_with_keyboard(browser)

    reply = browser.find_element(By.ID, "reply").text.splitlines()
    assert reply[0] == "24/7 Help Line: 800-555-0100"
    assert "Runaway Safeline: 800-555-0108 or text 66008" in reply
    assert "English (detected)" in browser.find_element(By.ID, "reply-facts").text
    assert "ran" not in browser.current_url  # the text is posted, never put in the address

    # The text stays in the box, so switching the language is one choice and one key.
    Select(labelled(browser, "Reply language")).select_by_value("es")
    submit_with_keyboard(browser)

    reply = browser.find_element(By.ID, "reply")
    assert reply.get_attribute("lang") == "es"
    lines = reply.text.splitlines()
    assert lines[0] == "Línea de Ayuda 24/7: 800-555-0100"
    assert lines[-1] == "¿En peligro? Llama al 911."
    assert "Spanish (chosen here)" in browser.find_element(By.ID, "reply-facts").text
