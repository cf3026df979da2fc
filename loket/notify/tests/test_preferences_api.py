"""GET/PUT /api/v1/notifications/preferences: the applicant picks email, SMS and WhatsApp."""

from typing import Any

from django.test import Client

from loket.accounts.models import User
from loket.notify.models import NotificationPreference

URL = "/api/v1/notifications/preferences"


def put(api: Client, headers: dict[str, str], body: dict[str, Any]) -> Any:
    return api.put(URL, body, content_type="application/json", headers=headers)


def test_default_is_email_only(api: Client, auth_headers: dict[str, str]) -> None:
    response = api.get(URL, headers=auth_headers)
    assert response.status_code == 200
    assert response.json() == {"email": True, "sms": False, "whatsapp": False, "email_always_for_account": True}
    assert not NotificationPreference.objects.exists()  # reading writes nothing


def test_applicant_switches_to_whatsapp(api: Client, auth_headers: dict[str, str], applicant: User) -> None:
    response = put(api, auth_headers, {"email": False, "sms": False, "whatsapp": True})
    assert response.status_code == 200, response.content
    assert response.json()["whatsapp"] is True
    assert NotificationPreference.objects.get(user=applicant).channels() == ["whatsapp"]
    assert api.get(URL, headers=auth_headers).json()["email"] is False


def test_every_channel_off_is_refused(api: Client, auth_headers: dict[str, str]) -> None:
    response = put(api, auth_headers, {"email": False, "sms": False, "whatsapp": False})
    assert response.status_code == 422
    assert response.json()["code"] == "no_channel"


def test_sms_without_a_phone_number_is_refused(api: Client, auth_headers: dict[str, str], applicant: User) -> None:
    User.objects.filter(pk=applicant.pk).update(phone="")
    response = put(api, auth_headers, {"email": True, "sms": True, "whatsapp": False})
    assert response.status_code == 422
    assert (response.json()["code"], response.json()["field"]) == ("no_phone", "sms")


def test_switches_must_be_booleans(api: Client, auth_headers: dict[str, str]) -> None:
    assert put(api, auth_headers, {"email": "yes", "sms": False, "whatsapp": False}).status_code == 422
    assert put(api, auth_headers, {"email": True}).status_code == 422
    assert not NotificationPreference.objects.exists()


def test_preferences_need_a_token(api: Client) -> None:
    assert api.get(URL).status_code == 401
    assert put(api, {}, {"email": True, "sms": False, "whatsapp": False}).status_code == 401


def test_each_applicant_sees_only_their_own(api: Client, auth_headers: dict[str, str], other_applicant: User) -> None:
    from conftest import bearer

    put(api, auth_headers, {"email": True, "sms": True, "whatsapp": False})
    assert api.get(URL, headers=bearer(other_applicant)).json()["sms"] is False
