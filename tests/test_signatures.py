import pytest

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
