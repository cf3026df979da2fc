"""Test helpers for staff sessions: a logged-in client that also passed the second factor (TOTP)."""

from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from loket.accounts.models import User


def staff_device(user: User) -> TOTPDevice:
    """The user's confirmed authenticator, set up if he has none yet."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="test", confirmed=True)


def second_factor_client(user: User, client: Client | None = None) -> Client:
    """A client logged in as `user`, its session marked as past the TOTP code (as django_otp.login does)."""
    client = client or Client()
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = staff_device(user).persistent_id
    session.save()
    return client
