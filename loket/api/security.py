"""Bearer-token authentication for API clients."""

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.security import HttpBearer

from loket.accounts.models import User
from loket.accounts.services import user_for_token
from loket.core.errors import DomainError


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        return user_for_token(token)


class VerifiedTokenAuth(TokenAuth):
    """Like TokenAuth, but an account whose email is not verified is refused with 401."""

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        user = super().authenticate(request, token)
        if user is not None and not user.has_verified_email:
            raise DomainError("unverified", _("Verifikasi email Anda terlebih dahulu."), status=401)
        return user


def current_user(request: HttpRequest) -> User:
    user = request.auth  # type: ignore[attr-defined]
    assert isinstance(user, User)
    return user
