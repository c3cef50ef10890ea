import base64
import datetime
import html
import logging
import re

import pytest

from app.preview import is_stale, preview_reply
from app.replies import answer_text

PASSWORD = "correct horse battery staple"


def basic(user: str, password: str) -> dict:
    token = base64.b64encode(f"{user}:{password}".encode()).decode()
    return {"Authorization": f"Basic {token}"}


@pytest.fixture
def staff_app(app):
    app.config["STAFF_PASSWORD"] = PASSWORD
    return app


@pytest.fixture
def staff(staff_app):
    """Get a staff page with the right password."""
    client = staff_app.test_client()

    def get(query: dict | None = None):
        if query:  # as the page's form sends it
            response = client.post("/", data=query, headers=basic("staff", PASSWORD))
        else:
            response = client.get("/", headers=basic("staff", PASSWORD))
        assert response.status_code == 200
        return response.get_data(as_text=True)

    return get


def shown_reply(page: str) -> str:
    """Return the SMS body the page shows."""
    found = re.search(r'<pre id="reply"[^>]*>(.*?)</pre>', page, re.S)
    assert found, "no reply on the page"
    return html.unescape(re.sub(r"<[^>]+>", "", found.group(1)))


def test_absent_in_production_without_a_password(client):
    assert client.get("/").status_code == 404


@pytest.mark.parametrize(
    "headers",
    [{}, basic("staff", "wrong"), basic("staff", PASSWORD[:-1]), basic(PASSWORD, "")],
)
def test_wrong_or_no_password_is_refused(staff_app, headers):
    response = staff_app.test_client().get("/", headers=headers)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Basic ")
    assert "Help Line" not in response.get_data(as_text=True)


@pytest.mark.parametrize("user", ["staff", "anyone", ""])
def test_right_password_opens_it_whatever_the_user_name(staff_app, user):
    response = staff_app.test_client().get("/", headers=basic(user, PASSWORD))
    assert response.status_code == 200
    assert "24/7 Help Line" in response.get_data(as_text=True)
    assert response.headers["Cache-Control"] == "no-store"


def test_wrong_passwords_are_limited_per_client_address(staff_app):
    client = staff_app.test_client()

    def attempt(password: str, address: str) -> int:
        # As the router forwards it: ProxyFix takes the address from X-Forwarded-For.
        headers = {**basic("staff", password), "X-Forwarded-For": address}
        return client.get("/", headers=headers, base_url="https://bot.example.org").status_code

    assert [attempt("wrong", "198.51.100.7") for _ in range(10)] == [401] * 10
    assert attempt("wrong", "198.51.100.7") == 429
    assert attempt(PASSWORD, "198.51.100.7") == 429  # the guesser is out, right or wrong
    assert attempt(PASSWORD, "203.0.113.9") == 200  # another address is not


def test_right_passwords_do_not_count_against_the_limit(staff_app):
    client = staff_app.test_client()
    for _ in range(30):
        assert client.get("/", headers=basic("staff", PASSWORD)).status_code == 200


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_a_request_the_router_got_over_http_is_sent_to_https_before_the_password(staff_app, method):
    response = staff_app.test_client().open(
        "/?language=es",
        method=method,
        base_url="http://bot.example.org",
        headers={"X-Forwarded-Proto": "http", "X-Forwarded-For": "203.0.113.9"},
    )
    assert response.status_code == 308  # keeps the method, so a form post is posted again
    assert response.headers["Location"] == "https://bot.example.org/?language=es"
    assert "WWW-Authenticate" not in response.headers


def test_over_https_the_page_carries_hsts_and_no_sniffing_or_framing(staff_app):
    response = staff_app.test_client().get(
        "/",
        base_url="http://bot.example.org",
        headers={**basic("staff", PASSWORD), "X-Forwarded-Proto": "https"},
    )
    assert response.status_code == 200
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]


def test_demo_mode_on_this_machine_is_served_over_plain_http(app):
    app.config["DEMO_MODE"] = True
    response = app.test_client().get("/", base_url="http://127.0.0.1:5000")
    assert response.status_code == 200
    assert "Strict-Transport-Security" not in response.headers  # http: HSTS means nothing here
    assert response.headers["X-Frame-Options"] == "DENY"


@pytest.mark.parametrize(
    ("remote", "status"), [("127.0.0.1", 200), ("::1", 200), ("203.0.113.9", 404)]
)
def test_demo_mode_opens_it_on_this_machine_only(app, remote, status):
    app.config["DEMO_MODE"] = True
    response = app.test_client().get("/", environ_base={"REMOTE_ADDR": remote})
    assert response.status_code == status


def test_a_typed_text_shows_the_webhooks_reply_help_line_first(staff, staff_app):
    text = "he makes me sell myself and i ran away"
    page = staff({"text": text})
    snapshot = staff_app.extensions["referrals"].current()
    expected = answer_text(snapshot.directory, snapshot.index, text)
    body = shown_reply(page)
    assert body == expected.body
    assert body.splitlines()[0] == "24/7 Help Line: 800-555-0100"
    assert f"{expected.segments.count} segments" in page
    assert expected.segments.encoding in page
    # the topics by their names, as the directory below lists them, each linked to its entry
    matched = re.search(r'<dd id="matched">(.*?)</dd>', page, re.S).group(1)
    assert expected.topics and len(expected.topics) == matched.count("<a href")
    for topic in map(snapshot.directory.topic, expected.topics):
        name = html.escape(topic.label("en").capitalize())
        assert f'<a href="#t-{topic.id}">{name}</a>' in matched
        assert f'id="t-{topic.id}"' in page


def test_spanish_forced_answers_in_spanish(staff):
    body = shown_reply(staff({"text": "i ran away", "language": "es"}))
    assert body.startswith("Línea de Ayuda 24/7: 800-555-0100")
    assert "Línea para Jóvenes Fugados" in body
    assert body.endswith("¿En peligro? Llama al 911.")


@pytest.mark.parametrize(
    ("text", "language", "first_line"),
    [
        ("me escapé de casa", "auto", "Línea de Ayuda 24/7: 800-555-0100"),
        ("me escapé de casa", "en", "24/7 Help Line: 800-555-0100"),
        ("i ran away", "en", "24/7 Help Line: 800-555-0100"),
        ("HELP", "es", "LA County DMH CSECY referral line."),  # commands ignore the choice
    ],
)
def test_preview_reply_forces_or_detects_the_language(staff_app, text, language, first_line):
    snapshot = staff_app.extensions["referrals"].current()
    reply = preview_reply(snapshot.directory, snapshot.index, text, language)
    assert reply.body.splitlines()[0] == first_line


def test_an_opt_out_says_no_reply_is_sent(staff):
    page = staff({"text": "STOP"})
    assert "No reply: this is an opt-out" in page


@pytest.mark.parametrize(("text", "keyword"), [("help", True), ("Start", True), ("help me", False)])
def test_keywords_say_twilio_may_answer_them(staff, text, keyword):
    assert ('id="command-note"' in staff({"text": text})) is keyword


def test_the_typed_text_is_never_logged(staff, caplog):
    with caplog.at_level(logging.DEBUG):
        staff({"text": "secret words zebra"})
    assert "zebra" not in caplog.text


def test_a_broken_file_is_shown_while_the_last_good_directory_serves(
    staff, staff_app, referrals_file
):
    lines = referrals_file.read_text(encoding="utf-8").splitlines()
    call = lines.index("    call: 800-555-0100")
    lines[call] = "    call: [800-555-0100"  # an unclosed bracket: YAML fails on the next line
    referrals_file.write_text("\n".join(lines) + "\n", encoding="utf-8")
    staff_app.extensions["referrals"].refresh()  # what the watcher does every RELOAD_SECONDS

    page = html.unescape(staff({"text": "i ran away"}))
    problem = staff_app.extensions["referrals"].problem
    assert [p.line for p in problem.problems] == [call + 2]
    assert "The file on disk cannot be used" in page
    assert f"referrals.yaml:{call + 2}: YAML syntax:" in page
    assert "expected ',' or ']'" in page
    assert "The bot is still sending the last good directory" in page
    assert shown_reply(page).startswith("24/7 Help Line: 800-555-0100")


def test_a_good_file_shows_no_problem(staff):
    assert "cannot be used" not in staff()


def test_an_old_verified_date_is_flagged(staff, staff_app, referrals_file):
    today = datetime.date.today().isoformat()
    text = re.sub(r"verified: .*", f"verified: {today}", referrals_file.read_text("utf-8"))
    old = text.replace(f"verified: {today}", "verified: 2020-01-31", 1)  # the Help Line
    referrals_file.write_text(old, encoding="utf-8")
    staff_app.extensions["referrals"].refresh()

    page = staff()
    assert re.search(r"1 resource\s+not verified for over 12 months", page)
    flagged = re.findall(r'<article class="resource stale" id="r-(\w+)"', page)
    assert flagged == ["help_line"]
    assert '2020-01-31 <span class="flag">over 12 months ago' in page


@pytest.mark.parametrize(
    ("verified", "today", "stale"),
    [
        ("2025-11-25", "2026-11-25", False),  # exactly 12 months: still fine
        ("2025-11-24", "2026-11-25", True),
        ("2026-11-25", "2026-11-25", False),
        ("2023-02-28", "2024-02-29", False),
        ("2023-02-27", "2024-02-29", True),
    ],
)
def test_is_stale(verified, today, stale):
    checked, today = datetime.date.fromisoformat(verified), datetime.date.fromisoformat(today)
    assert is_stale(checked, today) is stale


@pytest.mark.parametrize(
    ("text", "language", "heard"),
    [
        ("i ran away", "auto", "8 0 0, 5 5 5, 0 1 0 8"),
        ("me escapé de casa", "auto", "Línea de Ayuda"),
        ("i ran away", "es", "Línea de Ayuda"),
    ],
)
def test_the_voice_answer_is_the_calls_transcript(staff, text, language, heard):
    page = html.unescape(staff({"text": text, "language": language}))
    assert "What a caller saying this would hear" in page
    assert heard in page
    assert "8 0 0, 5 5 5, 0 1 0 0" in page
