"""Log in with an email address or a NIK, plus the password."""

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from loket.accounts.models import User
from loket.accounts.selectors import user_by_login


class EmailOrNikBackend(ModelBackend):
    def authenticate(
        self, request: HttpRequest | None, username: str | None = None, password: str | None = None, **kwargs: Any
    ) -> Any:
        if not username or not password:
            return None
        user = user_by_login(username)
        if user is None:
            # Same cost as a real check, so response time does not tell which logins exist.
            User().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
