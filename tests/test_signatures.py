import pytest
from twilio.request_validator import RequestValidator

from conftest import BASE_URL, sign

FORM = {"Body": "i ran away", "From": "+15550100"}


@pytest.mark.parametrize(
    ("signed_url", "token", "status"),
    [
        (BASE_URL + "/sms", "test-auth-token", 200),
        (BASE_URL + ":443/sms", "test-auth-token", 200),  # Twilio sometimes signs the port
        (BASE_URL + "/sms", "another-token", 403),
        (BASE_URL + "/voice", "test-auth-token", 403),
    ],
)
def test_only_twilio_signed_texts_are_answered(client, signed_url, token, status):
    signature = sign(signed_url, FORM, token)
    response = client.post(
        "/sms", data=FORM, base_url=BASE_URL, headers={"X-Twilio-Signature": signature}
    )
    assert response.status_code == status


@pytest.mark.parametrize("signature", ["", "not base64 at all", "é" * 28])
def test_a_malformed_signature_is_refused(client, signature):
    response = client.post(
        "/sms", data=FORM, base_url=BASE_URL, headers={"X-Twilio-Signature": signature}
    )
    assert response.status_code == 403


# --- webhooks signed with a SharedKey (a Webhook Rule) ---------------------------------------

SHARED_KEY = "test-shared-key-secret"
SETTINGS = "key=webhooks_sharedkey_0123,algorithm=HMAC_SHA256"


@pytest.fixture
def shared_key_client(referrals_file):
    from app import create_app

    return create_app(
        {
            "TESTING": True,
            "TWILIO_AUTH_TOKEN": "test-auth-token",
            "TWILIO_WEBHOOK_SHARED_KEY": SHARED_KEY,
            "REFERRALS_PATH": str(referrals_file),
        }
    ).test_client()


def post_with_settings(client, settings: str, secret: str, algorithm: str):
    signature = RequestValidator(secret).compute_signature(BASE_URL + "/sms", FORM, algorithm)
    headers = {"X-Twilio-Signature": signature, "X-Twilio-Webhooks-Signature-Settings": settings}
    return client.post("/sms", data=FORM, base_url=BASE_URL, headers=headers)


@pytest.mark.parametrize(
    ("settings", "secret", "algorithm", "status"),
    [
        (SETTINGS, SHARED_KEY, "HMAC_SHA256", 200),
        ("key=webhooks_sharedkey_0123,algorithm=HMAC_SHA1", SHARED_KEY, "HMAC_SHA1", 200),
        (SETTINGS, "test-auth-token", "HMAC_SHA256", 403),  # the header names the shared key
        (SETTINGS, SHARED_KEY, "HMAC_SHA1", 403),  # not the algorithm the header names
        (SETTINGS, "another-secret", "HMAC_SHA256", 403),
        ("key=webhooks_sharedkey_0123,algorithm=HMAC_MD5", SHARED_KEY, "HMAC_SHA256", 403),
    ],
)
def test_shared_key_signatures_are_checked_with_the_library(
    shared_key_client, settings, secret, algorithm, status
):
    assert post_with_settings(shared_key_client, settings, secret, algorithm).status_code == status


def test_auth_token_signatures_still_work_with_a_shared_key_set(shared_key_client):
    signature = sign(BASE_URL + "/sms", FORM)
    response = shared_key_client.post(
        "/sms", data=FORM, base_url=BASE_URL, headers={"X-Twilio-Signature": signature}
    )
    assert response.status_code == 200


def test_a_shared_key_signature_is_refused_when_no_shared_key_is_set(client, caplog):
    response = post_with_settings(client, SETTINGS, SHARED_KEY, "HMAC_SHA256")
    assert response.status_code == 403
    assert "set TWILIO_WEBHOOK_SHARED_KEY" in caplog.text
