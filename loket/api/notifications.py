"""The applicant's notification channels: GET/PUT /api/v1/notifications/preferences."""

from django.http import HttpRequest
from ninja import Router, Schema
from pydantic import StrictBool

from loket.api.security import VerifiedTokenAuth, current_user
from loket.notify.models import NotificationPreference
from loket.notify.selectors import preference_for
from loket.notify.services import preference_update

router = Router(tags=["notifications"], auth=VerifiedTokenAuth())


class PreferencesIn(Schema):
    # Strict: "false" or 0 for a switch is a client bug worth a 422, not a silent guess.
    email: StrictBool
    sms: StrictBool
    whatsapp: StrictBool


class PreferencesOut(Schema):
    email: bool
    sms: bool
    whatsapp: bool
    # Account verification and password reset always go by email, whatever is chosen here.
    email_always_for_account: bool = True


def preferences_out(preference: NotificationPreference) -> PreferencesOut:
    return PreferencesOut(email=preference.email, sms=preference.sms, whatsapp=preference.whatsapp)


@router.get("/preferences", response=PreferencesOut)
def preferences_get(request: HttpRequest) -> PreferencesOut:
    return preferences_out(preference_for(current_user(request)))


@router.put("/preferences", response=PreferencesOut)
def preferences_put(request: HttpRequest, payload: PreferencesIn) -> PreferencesOut:
    return preferences_out(preference_update(user=current_user(request), **payload.dict()))
