import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Router, Schema, Status

from loket.accounts import services
from loket.accounts.models import User
from loket.accounts.probes import nik_probe_guard
from loket.accounts.selectors import holder_of
from loket.api.schemas import IsoDate, Line, Name, Password, Short
from loket.api.security import TokenAuth, current_user
from loket.core.ratelimit import client_ip, hit
from loket.privacy.services import account_delete, account_export

router = Router(tags=["auth"])


class RegisterIn(Schema):
    full_name: Name
    nik: Short
    birth_date: IsoDate
    sex: Literal["M", "F"]
    phone: Short
    email: Line
    address: Line
    password: Password
    language: Literal["id", "en"] = "id"


class AccountOut(Schema):
    email: str
    full_name: str
    phone: str
    address: str
    language: str
    verified: bool
    nik: str | None
    birth_date: dt.date | None
    sex: str | None
    nik_flags: list[str]


class VerifyIn(Schema):
    email: Line
    code: Short


class EmailIn(Schema):
    email: Line


class TokenIn(Schema):
    username: Line
    password: Password


class TokenOut(Schema):
    token: str


class ResetConfirmIn(Schema):
    reset_code: Line
    password: Password


class Done(Schema):
    ok: bool = True


def account_out(user: User) -> AccountOut:
    holder = holder_of(user)
    return AccountOut(
        email=user.email,
        full_name=user.full_name,
        phone=user.phone,
        address=user.address,
        language=user.language,
        verified=user.has_verified_email,
        nik=holder.nik if holder else None,
        birth_date=holder.birth_date if holder else None,
        sex=holder.sex if holder else None,
        nik_flags=holder.nik_flags if holder else [],
    )


@router.post("/register", response={201: AccountOut})
def register(request: HttpRequest, payload: RegisterIn) -> Status[AccountOut]:
    ip = client_ip(request)
    hit(scope="register", key=ip, limit=20, window_seconds=3600)
    with nik_probe_guard(ip=ip):
        user = services.applicant_register(**payload.dict())
    return Status(201, account_out(user))


@router.post("/verify", response=AccountOut)
def verify(request: HttpRequest, payload: VerifyIn) -> AccountOut:
    hit(scope="verify", key=client_ip(request), limit=30, window_seconds=600)
    return account_out(services.email_verify(email=payload.email, code=payload.code))


@router.post("/verify/resend", response={202: Done})
def verify_resend(request: HttpRequest, payload: EmailIn) -> Status[Done]:
    hit(scope="resend", key=client_ip(request), limit=10, window_seconds=3600)
    services.verification_resend(email=payload.email)
    return Status(202, Done())


@router.post("/token", response=TokenOut)
def token(request: HttpRequest, payload: TokenIn) -> TokenOut:
    hit(scope="token", key=client_ip(request), limit=60, window_seconds=60)
    key = services.token_issue(login=payload.username, password=payload.password, ip=client_ip(request))
    return TokenOut(token=key)


@router.post("/logout", response={204: None}, auth=TokenAuth())
def logout(request: HttpRequest) -> Status[None]:
    header = request.headers.get("Authorization", "")
    services.token_revoke(key=header.partition(" ")[2].strip())
    return Status(204, None)


@router.get("/me", response=AccountOut, auth=TokenAuth())
def me(request: HttpRequest) -> AccountOut:
    return account_out(current_user(request))


@router.post("/password-reset", response={202: Done})
def password_reset(request: HttpRequest, payload: EmailIn) -> Status[Done]:
    hit(scope="reset", key=client_ip(request), limit=10, window_seconds=3600)
    services.password_reset_request(email=payload.email)
    return Status(202, Done())


@router.post("/password-reset/confirm", response=Done)
def password_reset_confirm(request: HttpRequest, payload: ResetConfirmIn) -> Done:
    hit(scope="reset-confirm", key=client_ip(request), limit=20, window_seconds=3600)
    services.password_reset_confirm(reset_code=payload.reset_code, password=payload.password)
    return Done()


class PasswordIn(Schema):
    password: Password


@router.get("/me/data", response=dict[str, Any], auth=TokenAuth())
def my_data(request: HttpRequest) -> dict[str, Any]:
    """A copy of everything Loket holds about the account and its household (UU PDP)."""
    return account_export(user=current_user(request))


@router.post("/me/delete", response={204: None}, auth=TokenAuth())
def my_account_delete(request: HttpRequest, payload: PasswordIn) -> Status[None]:
    """Delete the account (409 while a booking is active); past bookings stay, anonymised."""
    account_delete(user=current_user(request), password=payload.password, ip=client_ip(request))
    return Status(204, None)
