"""Writes for accounts: registration, email verification, tokens, password reset, household."""

import datetime as dt
import hashlib
import hmac
import secrets

from django.conf import settings
from django.contrib.auth import authenticate, password_validation
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, connection, transaction
from django.db.models import F, ProtectedError
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.encoding import force_bytes, force_str
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode
from django.utils.translation import gettext as _
from lokal import parse_phone

from loket.accounts import lockout
from loket.accounts.kinship import relation_check
from loket.accounts.models import ApiToken, EmailVerification, Person, Relation, User
from loket.accounts.nik import NikError, Sex, nik_check, normalize_nik
from loket.accounts.signals import account_message
from loket.core.db import columns_of, db_datetime, raw_models
from loket.core.errors import Conflict, DomainError, NotFound, Throttled

EMAIL_MAX_LENGTH = 254  # User.email


def nik_or_error(nik: object, *, birth_date: dt.date, sex: Sex, field: str = "nik") -> tuple[str, list[str]]:
    try:
        checked = nik_check(nik, birth_date=birth_date, sex=sex)
    except NikError as error:
        raise DomainError(error.code, error.reason, field=field) from None
    return checked.nik, checked.flags


def birth_date_ok(birth_date: dt.date, field: str = "birth_date") -> None:
    today = timezone.localdate()
    if birth_date > today or birth_date < dt.date(1900, 1, 1):
        raise DomainError(
            "invalid",
            _(
                "Tanggal lahir harus antara 1 Januari 1900 dan hari ini. Periksa lagi tanggal pada KTP-el atau akta kelahiran."
            ),
            field=field,
        )


def normalize_phone(raw: str) -> str:
    info = parse_phone(raw)
    if not info.valid or info.type != "mobile" or info.e164 is None:
        raise DomainError("invalid_phone", _("Nomor HP Indonesia tidak valid (contoh: 0812 3456 7890)."), field="phone")
    return info.e164


def _normalize_email(raw: str) -> str:
    email = raw.strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise DomainError(
            "invalid_email", _("Alamat email tidak valid. Tulis lengkap, mis. nama@contoh.id."), field="email"
        ) from None
    # The validator allows 320 characters; the column holds 254 and PostgreSQL refuses more.
    if len(email) > EMAIL_MAX_LENGTH:
        raise DomainError(
            "invalid_email", _("Alamat email tidak valid. Tulis lengkap, mis. nama@contoh.id."), field="email"
        )
    return email


def _check_password(password: str, user: User) -> None:
    try:
        password_validation.validate_password(password, user)
    except ValidationError as error:
        raise DomainError("weak_password", " ".join(error.messages), field="password") from None


def _nik_taken() -> Conflict:
    # Worded to say as little as possible (loket/accounts/probes.py); the owner still learns what to do.
    return Conflict(
        "nik_registered",
        _("NIK ini tidak dapat dipakai di sini. Jika ini NIK Anda, masuk ke akun Anda atau hubungi kantor imigrasi."),
        field="nik",
    )


@transaction.atomic
def applicant_register(
    *,
    full_name: str,
    nik: str,
    birth_date: dt.date,
    sex: Sex,
    phone: str,
    email: str,
    address: str,
    password: str,
    language: str = "id",
) -> User:
    """Create an unverified applicant account and mail the 6-digit verification code."""
    birth_date_ok(birth_date)
    clean_nik, flags = nik_or_error(nik, birth_date=birth_date, sex=sex)
    user = User(
        email=_normalize_email(email),
        full_name=full_name.strip(),
        phone=normalize_phone(phone),
        address=address.strip(),
        language=language if language in ("id", "en") else "id",
    )
    _check_password(password, user)
    if User.objects.filter(email__iexact=user.email).exists():
        raise Conflict(
            "email_registered",
            _("Email ini sudah terdaftar. Masuk dengan email ini, atau atur ulang kata sandi bila lupa."),
            field="email",
        )
    if Person.objects.filter(nik=clean_nik).exists():
        raise _nik_taken()
    user.set_password(password)
    _holder_save(user, nik=clean_nik, birth_date=birth_date, sex=sex, flags=flags)
    _send_code(user)
    return user


def _holder_save(user: User, *, nik: str, birth_date: dt.date, sex: Sex, flags: list[str]) -> None:
    """Save a new account with its holder (the Person with relation "self")."""
    try:
        with transaction.atomic():
            user.save()
            Person.objects.create(
                account=user,
                relation=Relation.SELF,
                full_name=user.full_name,
                nik=nik,
                birth_date=birth_date,
                sex=sex,
                nik_flags=flags,
            )
    except IntegrityError:
        # A parallel registration with the same NIK or email won the race.
        raise Conflict(
            "already_registered",
            _("NIK atau email ini sudah terdaftar. Masuk ke akun itu, atau atur ulang kata sandi bila lupa."),
            field="nik",
        ) from None


def _code_hash(user: User, code: str) -> str:
    return salted_hmac("loket.email-verification", f"{user.pk}:{code}").hexdigest()


def _send_code(user: User) -> None:
    code = f"{secrets.randbelow(1_000_000):06d}"
    now = timezone.now()
    EmailVerification.objects.update_or_create(
        user=user,
        defaults={
            "code_hash": _code_hash(user, code),
            "sent_at": now,
            "expires_at": now + dt.timedelta(minutes=settings.LOKET_VERIFY_CODE_TTL_MINUTES),
            "attempts": 0,
        },
    )
    # An email-only event (EMAIL_ONLY_EVENTS in loket/notify/events.py): the code proves the address.
    account_message.send(
        sender=User,
        event="account_verification",
        user=user,
        key=f"user:{user.pk}:verification:{now.timestamp():.6f}",
        context={"code": code, "minutes": settings.LOKET_VERIFY_CODE_TTL_MINUTES},
    )


def verification_resend(*, email: str) -> None:
    """Mail a new code unless one was sent within the cooldown. Silent for unknown emails."""
    user = User.objects.filter(email__iexact=email.strip()).first()
    if user is None or user.has_verified_email:
        return
    pending = EmailVerification.objects.filter(user=user).first()
    if pending:
        wait = (pending.sent_at + dt.timedelta(seconds=settings.LOKET_VERIFY_RESEND_SECONDS)) - timezone.now()
        if wait.total_seconds() > 0:
            raise Throttled(
                _("Tunggu %(s)d detik sebelum meminta kode baru.") % {"s": int(wait.total_seconds()) + 1},
                retry_after=int(wait.total_seconds()) + 1,
            )
    _send_code(user)


def _bad_code() -> DomainError:
    return DomainError(
        "invalid_code",
        _("Kode verifikasi salah atau sudah tidak berlaku. Periksa lagi, atau minta kode baru."),
        field="code",
    )


def email_verify(*, email: str, code: str) -> User:
    user = User.objects.filter(email__iexact=email.strip()).first()
    # An account that is already verified has no code left to check: answering it with the
    # account would hand anybody's NIK and address to whoever knows the email.
    if user is None or user.has_verified_email:
        raise _bad_code()
    pending = EmailVerification.objects.filter(user=user, expires_at__gt=timezone.now()).first()
    if pending is None:
        raise _bad_code()
    # Count the attempt before comparing, with one conditional UPDATE: parallel guesses
    # cannot slip past the limit, and a wrong guess is counted although we then raise.
    counted = EmailVerification.objects.filter(pk=pending.pk, attempts__lt=settings.LOKET_VERIFY_MAX_ATTEMPTS).update(
        attempts=F("attempts") + 1
    )
    if counted != 1:
        raise DomainError(
            "too_many_attempts", _("Terlalu banyak kode salah. Minta kode baru."), field="code", status=429
        )
    if not hmac.compare_digest(pending.code_hash, _code_hash(user, code.strip())):
        raise _bad_code()
    with transaction.atomic():
        user.email_verified_at = timezone.now()
        user.save(update_fields=["email_verified_at"])
        pending.delete()
    return user


def _token_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def credentials_check(*, login: str, password: str, ip: str) -> User:
    """The verified account behind these credentials, under the login lock-out (API token and web session alike)."""
    who = lockout.login_key(login)
    lockout.login_allowed(who=who, ip=ip)
    user = authenticate(None, username=login, password=password)
    if user is None:
        lockout.login_failed(who=who, ip=ip)
        raise DomainError(
            "invalid_credentials",
            _("Email/NIK atau kata sandi salah. Coba lagi, atau atur ulang kata sandi bila lupa."),
            status=401,
        )
    lockout.login_succeeded(who=who, ip=ip)
    assert isinstance(user, User)
    if not user.has_verified_email:
        raise DomainError(
            "unverified",
            _("Verifikasi email Anda terlebih dahulu: masukkan kode yang kami kirim ke email Anda."),
            status=401,
        )
    return user


def token_issue(*, login: str, password: str, ip: str) -> str:
    """Check the credentials and return a new bearer token (shown once; only its hash is kept)."""
    user = credentials_check(login=login, password=password, ip=ip)
    key = secrets.token_urlsafe(32)
    ApiToken.objects.create(user=user, key_hash=_token_hash(key), last_used_at=timezone.now())
    return key


def _token_sql() -> str:
    q = connection.ops.quote_name
    user, token = User._meta.db_table, ApiToken._meta.db_table
    return (
        f"SELECT {columns_of(User, 'u')}, t.{q('id')} AS token_id, t.{q('created_at')} AS token_created_at,"  # noqa: S608 - quoted model identifiers
        f" t.{q('last_used_at')} AS token_last_used_at FROM {q(user)} u"
        f" JOIN {q(token)} t ON t.{q('user_id')} = u.{q('id')} WHERE t.{q('key_hash')} = %s"
    )


_TOKEN_SQL = _token_sql()


def user_for_token(key: str) -> User | None:
    # Raw SQL: this runs on every API request; the ORM's building of the join cost more than the query.
    found = raw_models(User, _TOKEN_SQL, [_token_hash(key)])
    if not found or not found[0].is_active:
        return None
    user = found[0]
    now = timezone.now()
    token = ApiToken(
        pk=user.token_id,  # type: ignore[attr-defined]
        user=user,
        created_at=db_datetime(user.token_created_at) or now,  # type: ignore[attr-defined]
        last_used_at=db_datetime(user.token_last_used_at),  # type: ignore[attr-defined]
    )
    if _token_expired(token, now):
        token.delete()
        return None
    # Recorded coarsely (hourly): a write on every request would cost a rush dearly.
    if token.last_used_at is None or now - token.last_used_at > dt.timedelta(hours=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


def _token_expired(token: ApiToken, now: dt.datetime) -> bool:
    # A lost phone's token should not open the account forever: idle and absolute limits.
    last_used = token.last_used_at or token.created_at
    idle = dt.timedelta(days=settings.LOKET_API_TOKEN_IDLE_DAYS)
    lifetime = dt.timedelta(days=settings.LOKET_API_TOKEN_MAX_DAYS)
    return now - last_used > idle or now - token.created_at > lifetime


def token_revoke(*, key: str) -> None:
    ApiToken.objects.filter(key_hash=_token_hash(key)).delete()


def password_reset_request(*, email: str) -> None:
    """Mail a reset token. Says nothing about whether the email exists."""
    user = User.objects.filter(email__iexact=email.strip(), is_active=True).first()
    if user is None:
        return
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    # Email only, whatever the chosen channels; the key holds a hash, not the token itself.
    account_message.send(
        sender=User,
        event="password_reset",
        user=user,
        key=f"user:{user.pk}:password_reset:{hashlib.sha256(token.encode()).hexdigest()[:16]}",
        context={"uid": uid, "token": token, "minutes": settings.PASSWORD_RESET_TIMEOUT // 60},
    )


@transaction.atomic
def password_reset_confirm(*, reset_code: str, password: str) -> User:
    bad = DomainError(
        "invalid_reset_code",
        _("Kode pengaturan ulang salah atau sudah tidak berlaku. Minta kode baru."),
        field="reset_code",
    )
    uid, _sep, token = reset_code.strip().partition(".")
    try:
        user = User.objects.get(pk=int(force_str(urlsafe_base64_decode(uid))))
    except (ValueError, TypeError, OverflowError, User.DoesNotExist):
        raise bad from None
    if not default_token_generator.check_token(user, token):
        raise bad
    _check_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    ApiToken.objects.filter(user=user).delete()  # a reset logs every client out
    return user


@transaction.atomic
def household_add(*, user: User, full_name: str, nik: str, birth_date: dt.date, sex: Sex, relation: str) -> Person:
    if relation not in Relation.values or relation == Relation.SELF:
        raise DomainError("invalid", _("Hubungan keluarga tidak dikenal. Pilih dari daftar."), field="relation")
    birth_date_ok(birth_date)
    holder_birth_date = user.people.filter(relation=Relation.SELF).values_list("birth_date", flat=True).first()
    relation_check(relation=relation, birth_date=birth_date, holder_birth_date=holder_birth_date)
    clean_nik, flags = nik_or_error(nik, birth_date=birth_date, sex=sex)
    # Lock the account row so two parallel adds cannot both pass the limit.
    User.objects.select_for_update().filter(pk=user.pk).first()
    members = user.people.exclude(relation=Relation.SELF).count()
    if members >= settings.LOKET_HOUSEHOLD_MAX:
        raise Conflict(
            "household_full",
            _("Satu akun dapat menambahkan paling banyak %(n)d anggota keluarga.")
            % {"n": settings.LOKET_HOUSEHOLD_MAX},
        )
    if Person.objects.filter(nik=clean_nik).exists():
        raise _nik_taken()
    try:
        with transaction.atomic():
            return Person.objects.create(
                account=user,
                relation=relation,
                full_name=full_name.strip(),
                nik=clean_nik,
                birth_date=birth_date,
                sex=sex,
                nik_flags=flags,
            )
    except IntegrityError:
        raise _nik_taken() from None


def household_remove(*, user: User, person_id: int) -> None:
    member = user.people.exclude(relation=Relation.SELF).filter(pk=person_id).first()
    if member is None:
        raise NotFound("not_found", _("Anggota keluarga tidak ditemukan. Muat ulang daftar keluarga."))
    try:
        member.delete()
    except ProtectedError:
        # Bookings keep their person: the office's records of a visit must not vanish.
        raise Conflict(
            "member_has_bookings",
            _("Anggota keluarga ini memiliki riwayat pemesanan, jadi tidak dapat dihapus. Datanya tetap dapat diubah."),
        ) from None


def unverified_accounts_purge(*, now: dt.datetime | None = None) -> int:
    """Delete registrations never verified within LOKET_UNVERIFIED_TTL_HOURS.

    An unverified account cannot book, but it holds its NIK: without this, a broker could
    squat other people's NIKs with throwaway emails. Their people go with them (cascade);
    they can hold no booking. Run by the worker every hour.
    """
    cutoff = (now or timezone.now()) - dt.timedelta(hours=settings.LOKET_UNVERIFIED_TTL_HOURS)
    # An account registered by text message is verified by its phone number instead.
    unverified = {"email_verified_at__isnull": True, "phone_verified_at__isnull": True}
    stale = User.objects.filter(**unverified, is_staff=False, date_joined__lt=cutoff)
    deleted = 0
    for user_id in list(stale.values_list("pk", flat=True)[:1000]):
        # Re-checked row by row: one verified a moment ago is kept.
        count, _detail = User.objects.filter(pk=user_id, **unverified).delete()
        deleted += 1 if count else 0
    return deleted


def account_language_set(*, user: User, language: str) -> None:
    """The language the account's messages are written in (the pages' language switch sets it too)."""
    if language not in ("id", "en"):
        raise DomainError("invalid", _("Bahasa tidak dikenal. Pilih Bahasa Indonesia atau English."), field="language")
    if user.language != language:
        user.language = language
        user.save(update_fields=["language"])


# An account registered by text message without an email gets an address under a reserved
# top-level domain (RFC 6761: ".invalid" never resolves), so nothing can ever be mailed to it.
TEXT_ACCOUNT_EMAIL_DOMAIN = "sms.loket.invalid"


def sex_from_nik(nik: str) -> Sex:
    """The sex the NIK's birth digits carry (day + 40 for women)."""
    return "F" if int(nik[6:8]) > 40 else "M"


@transaction.atomic
def applicant_register_by_phone(
    *, full_name: str, nik: str, birth_date: dt.date, phone: str, email: str = "", language: str = "id"
) -> User:
    """An unverified applicant account for someone registering by SMS or WhatsApp.

    The same NIK rules as the web registration; the sex is read from the NIK. No password (the
    person can set one later with "forgot password" once an email is verified). The account is
    verified by phone_verified_set once the number answers the code sent to it; until then it
    is purged like any unverified registration.
    """
    birth_date_ok(birth_date)
    clean_nik = normalize_nik_or_error(nik)
    clean_nik, flags = nik_or_error(clean_nik, birth_date=birth_date, sex=sex_from_nik(clean_nik))
    number = normalize_phone(phone)
    name = full_name.strip()
    if not 2 <= len(name) <= 120:
        raise DomainError("invalid", _("Nama lengkap harus 2 sampai 120 huruf."), field="full_name")
    address = _normalize_email(email) if email else f"{number.lstrip('+')}@{TEXT_ACCOUNT_EMAIL_DOMAIN}"
    if User.objects.filter(phone=number, phone_verified_at__isnull=False).exists():
        raise _phone_taken()
    if User.objects.filter(email__iexact=address).exists():
        raise Conflict(
            "email_registered",
            _("Email ini sudah terdaftar. Masuk dengan email ini, atau atur ulang kata sandi bila lupa."),
            field="email",
        )
    if Person.objects.filter(nik=clean_nik).exists():
        raise _nik_taken()
    user = User(email=address, full_name=name, phone=number, language=language if language in ("id", "en") else "id")
    user.set_unusable_password()
    _holder_save(user, nik=clean_nik, birth_date=birth_date, sex=sex_from_nik(clean_nik), flags=flags)
    return user


def normalize_nik_or_error(nik: object) -> str:
    try:
        return normalize_nik(nik)
    except NikError as error:
        raise DomainError(error.code, error.reason, field="nik") from None


def _phone_taken() -> Conflict:
    return Conflict(
        "phone_registered",
        _("Nomor HP ini sudah dipakai akun lain. Pakai nomor lain, atau masuk ke akun itu."),
        field="phone",
    )


def phone_verified_set(*, user: User, phone: str) -> User:
    """The number proved itself (a code sent to it came back): it now acts for `user`, and only for them.

    The number becomes the account's phone. An account registered by text counts as verified
    from now on (it is kept by the purge, and may book).
    """
    number = normalize_phone(phone)
    if User.objects.filter(phone=number, phone_verified_at__isnull=False).exclude(pk=user.pk).exists():
        raise _phone_taken()
    try:
        with transaction.atomic():
            User.objects.filter(pk=user.pk).update(phone=number, phone_verified_at=timezone.now())
    except IntegrityError:
        raise _phone_taken() from None  # a parallel verification of the same number for another account
    user.refresh_from_db(fields=["phone", "phone_verified_at"])
    return user


def text_registration_discard(*, phone: str) -> int:
    """Drop a number's own unfinished text registration (never verified, no password), so that a
    person who mistyped their NIK or birth date can register again at once instead of waiting
    for the purge. Web registrations (they always have a password) are never touched."""
    stale = User.objects.filter(
        phone=phone,
        email_verified_at__isnull=True,
        phone_verified_at__isnull=True,
        is_staff=False,
        password__startswith=UNUSABLE_PASSWORD_PREFIX,
    )
    try:
        deleted, _detail = stale.delete()
    except ProtectedError:
        return 0  # it holds a booking after all: keep it (the purge decides)
    return deleted
