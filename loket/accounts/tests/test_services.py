"""Account services: registration, email verification, tokens, password reset, household."""

import datetime as dt
import re
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from conftest import PASSWORD, make_applicant
from loket.accounts import services
from loket.accounts.models import ApiToken, EmailVerification, Person, Relation, User
from loket.core.errors import Conflict, DomainError, NotFound, Throttled
from loket.notify.models import Message, MessageStatus

BUDI = {
    "full_name": "Budi Santoso",
    "nik": "1671011508900001",  # Palembang, a man born 15 Aug 1990
    "birth_date": dt.date(1990, 8, 15),
    "sex": "M",
    "phone": "0812-3456-7890",
    "email": "Budi@Example.id",
    "address": "Jl. Merdeka 1, Palembang",
    "password": PASSWORD,
}
# Ani's daughter: born 12 Mar 2015 (day 12 + 40 = 52).
SARI = {
    "full_name": "Sari Lestari",
    "nik": "1671015203150001",
    "birth_date": dt.date(2015, 3, 12),
    "sex": "F",
    "relation": "child",
}
FULL_WIDTH = "".join(chr(ord(digit) + 0xFEE0) for digit in "1671011508900001")  # １６７１...
MEMBERS = [
    ("1671010101100003", dt.date(2010, 1, 1), "M", "child"),
    ("1671014107120004", dt.date(2012, 7, 1), "F", "child"),
    ("1671011111880005", dt.date(1988, 11, 11), "M", "spouse"),
    ("1671016204600006", dt.date(1960, 4, 22), "F", "parent"),
    ("1671012306180007", dt.date(2018, 6, 23), "M", "child"),
]


def register(capture: Any, **changes: Any) -> User:
    with capture(execute=True):
        return services.applicant_register(**{**BUDI, **changes})


def mailed_code(message: Any) -> str:
    match = re.search(r"\b(\d{6})\b", message.subject)
    assert match, message.subject
    assert match.group(1) in message.body
    return match.group(1)


@pytest.fixture
def budi(db: None, django_capture_on_commit_callbacks: Any) -> User:
    """Budi has just registered and not yet typed his code."""
    return register(django_capture_on_commit_callbacks)


# --- registration ------------------------------------------------------------------


def test_registration_stores_normalised_contact_and_argon2_hash(budi: User) -> None:
    budi.refresh_from_db()
    assert budi.email == "budi@example.id"
    assert budi.phone == "+6281234567890"
    assert budi.password.startswith("argon2")
    assert budi.check_password(PASSWORD)
    assert not budi.has_verified_email
    holder = budi.people.get()
    assert (holder.relation, holder.nik, holder.nik_flags) == (Relation.SELF, "1671011508900001", [])


def test_registration_mails_one_code_through_the_outbox(budi: User) -> None:
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["budi@example.id"]
    code = mailed_code(mail.outbox[0])
    assert Message.objects.get().status == MessageStatus.SENT
    # Only a hash of the code is stored.
    assert code not in EmailVerification.objects.get(user=budi).code_hash


def test_no_mail_leaves_before_the_registration_commits(db: None, django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.applicant_register(**BUDI)
    assert len(callbacks) == 1
    assert mail.outbox == []


def test_nik_that_disagrees_with_birth_date_and_sex_is_flagged_not_refused(
    db: None, django_capture_on_commit_callbacks: Any
) -> None:
    user = register(django_capture_on_commit_callbacks, birth_date=dt.date(1991, 8, 15), sex="F")
    assert user.people.get().nik_flags == ["birth_date_mismatch", "sex_mismatch"]


@pytest.mark.parametrize("nik", ["1671 0115 0890 0001", FULL_WIDTH, "1671-0115-0890-0001"])
def test_nik_is_stored_as_sixteen_ascii_digits(db: None, django_capture_on_commit_callbacks: Any, nik: str) -> None:
    user = register(django_capture_on_commit_callbacks, nik=nik)
    assert user.people.get().nik == "1671011508900001"


def test_nik_of_another_account_holder_is_refused(applicant: User, django_capture_on_commit_callbacks: Any) -> None:
    with pytest.raises(Conflict) as caught:
        register(django_capture_on_commit_callbacks, nik="1671014508900002", birth_date=dt.date(1990, 8, 5), sex="F")
    assert (caught.value.code, caught.value.field) == ("nik_registered", "nik")
    assert not User.objects.filter(email="budi@example.id").exists()
    assert mail.outbox == []


def test_nik_of_a_household_member_elsewhere_is_refused(
    applicant: User, django_capture_on_commit_callbacks: Any
) -> None:
    services.household_add(user=applicant, **SARI)
    with pytest.raises(Conflict) as caught:
        register(django_capture_on_commit_callbacks, nik=SARI["nik"], birth_date=SARI["birth_date"], sex="F")
    assert caught.value.code == "nik_registered"


def test_email_is_unique_whatever_its_case(applicant: User, django_capture_on_commit_callbacks: Any) -> None:
    with pytest.raises(Conflict) as caught:
        register(django_capture_on_commit_callbacks, email="  ANI@example.ID ")
    assert (caught.value.code, caught.value.field) == ("email_registered", "email")


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"phone": "021 555 1234"}, "phone"),  # a landline cannot receive SMS
        ({"phone": "+1 202 555 0100"}, "phone"),
        ({"email": "budi@"}, "email"),
        ({"email": "a" * 244 + "@example.id"}, "email"),  # 255 characters: longer than the column
        ({"birth_date": dt.date(1899, 12, 31)}, "birth_date"),
        ({"birth_date": dt.date.today() + dt.timedelta(days=2)}, "birth_date"),
        ({"nik": "1671011508900000"}, "nik"),
        ({"password": "password"}, "password"),
        ({"password": "8301947265"}, "password"),
        ({"password": "Bd1!"}, "password"),
        ({"password": "budi@example.id"}, "password"),  # the email itself
    ],
)
def test_invalid_registration_names_the_field_and_saves_nothing(
    db: None, django_capture_on_commit_callbacks: Any, changes: dict[str, Any], field: str
) -> None:
    with pytest.raises(DomainError) as caught:
        register(django_capture_on_commit_callbacks, **changes)
    assert caught.value.status == 422
    assert caught.value.field == field
    assert caught.value.message
    assert User.objects.count() == 0
    assert mail.outbox == []


def test_email_of_exactly_254_characters_is_accepted(db: None, django_capture_on_commit_callbacks: Any) -> None:
    email = "a" * 243 + "@example.id"
    assert len(email) == 254
    assert register(django_capture_on_commit_callbacks, email=email).email == email


# --- email verification ---------------------------------------------------------------


def test_the_mailed_code_verifies_the_account(budi: User) -> None:
    code = mailed_code(mail.outbox[0])
    user = services.email_verify(email=" BUDI@example.id ", code=code)
    assert user.pk == budi.pk
    budi.refresh_from_db()
    assert budi.has_verified_email
    assert not EmailVerification.objects.filter(user=budi).exists()


def test_wrong_codes_are_counted_and_then_even_the_right_code_is_refused(budi: User, settings: Any) -> None:
    code = mailed_code(mail.outbox[0])
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    for attempt in range(1, settings.LOKET_VERIFY_MAX_ATTEMPTS + 1):
        with pytest.raises(DomainError) as caught:
            services.email_verify(email=budi.email, code=wrong)
        assert caught.value.code == "invalid_code"
        assert EmailVerification.objects.get(user=budi).attempts == attempt
    with pytest.raises(DomainError) as caught:
        services.email_verify(email=budi.email, code=code)
    assert (caught.value.code, caught.value.status) == ("too_many_attempts", 429)
    budi.refresh_from_db()
    assert not budi.has_verified_email


def test_code_expires_after_fifteen_minutes(budi: User, time_machine: Any) -> None:
    code = mailed_code(mail.outbox[0])
    time_machine.move_to(timezone.now() + dt.timedelta(minutes=15, seconds=1))
    with pytest.raises(DomainError) as caught:
        services.email_verify(email=budi.email, code=code)
    assert caught.value.code == "invalid_code"
    budi.refresh_from_db()
    assert not budi.has_verified_email


def test_code_still_works_just_before_it_expires(budi: User, time_machine: Any) -> None:
    code = mailed_code(mail.outbox[0])
    time_machine.move_to(timezone.now() + dt.timedelta(minutes=14, seconds=50))
    assert services.email_verify(email=budi.email, code=code).has_verified_email


def test_resend_within_cooldown_is_throttled(budi: User, time_machine: Any) -> None:
    time_machine.move_to(timezone.now() + dt.timedelta(seconds=20))
    with pytest.raises(Throttled) as caught:
        services.verification_resend(email=budi.email)
    assert 0 < caught.value.retry_after <= 41
    assert len(mail.outbox) == 1


def test_resent_code_replaces_the_old_one_and_resets_attempts(
    budi: User, time_machine: Any, django_capture_on_commit_callbacks: Any
) -> None:
    old = mailed_code(mail.outbox[0])
    with pytest.raises(DomainError):
        services.email_verify(email=budi.email, code="not-it")
    time_machine.move_to(timezone.now() + dt.timedelta(seconds=61))
    with django_capture_on_commit_callbacks(execute=True):
        services.verification_resend(email=budi.email)
    assert len(mail.outbox) == 2
    new = mailed_code(mail.outbox[1])
    assert EmailVerification.objects.get(user=budi).attempts == 0
    if old != new:  # one chance in a million that the two codes are equal
        with pytest.raises(DomainError):
            services.email_verify(email=budi.email, code=old)
    assert services.email_verify(email=budi.email, code=new).has_verified_email


def test_resend_is_silent_for_unknown_and_verified_accounts(
    applicant: User, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        services.verification_resend(email="nobody@example.id")
        services.verification_resend(email=applicant.email)
    assert mail.outbox == []


def test_verify_does_not_hand_out_a_verified_account_without_a_code(applicant: User) -> None:
    # Answering with the account would show anybody's NIK to whoever knows the email.
    with pytest.raises(DomainError) as caught:
        services.email_verify(email=applicant.email, code="000000")
    assert caught.value.code == "invalid_code"


def test_verify_for_unknown_email_looks_like_a_wrong_code(db: None) -> None:
    with pytest.raises(DomainError) as caught:
        services.email_verify(email="nobody@example.id", code="123456")
    assert caught.value.code == "invalid_code"


# --- tokens ---------------------------------------------------------------------------


@pytest.mark.parametrize("login", ["ani@example.id", "ANI@Example.ID", "1671014508900002", "1671 0145 0890 0002"])
def test_token_for_email_or_nik(applicant: User, login: str) -> None:
    key = services.token_issue(login=login, password=PASSWORD, ip="10.0.0.1")
    assert services.user_for_token(key) == applicant
    assert ApiToken.objects.get().key_hash != key  # only the hash is kept


def test_household_members_nik_is_no_login(applicant: User) -> None:
    services.household_add(user=applicant, **SARI)
    with pytest.raises(DomainError) as caught:
        services.token_issue(login=SARI["nik"], password=PASSWORD, ip="10.0.0.1")
    assert caught.value.code == "invalid_credentials"


def test_unverified_account_gets_no_token(budi: User) -> None:
    with pytest.raises(DomainError) as caught:
        services.token_issue(login=budi.email, password=PASSWORD, ip="10.0.0.1")
    assert (caught.value.code, caught.value.status) == ("unverified", 401)
    assert not ApiToken.objects.exists()


def test_inactive_account_gets_no_token_and_its_tokens_stop_working(applicant: User) -> None:
    key = services.token_issue(login=applicant.email, password=PASSWORD, ip="10.0.0.1")
    User.objects.filter(pk=applicant.pk).update(is_active=False)
    assert services.user_for_token(key) is None
    with pytest.raises(DomainError) as caught:
        services.token_issue(login=applicant.email, password=PASSWORD, ip="10.0.0.1")
    assert caught.value.code == "invalid_credentials"


def test_revoked_token_is_unknown(applicant: User) -> None:
    key = services.token_issue(login=applicant.email, password=PASSWORD, ip="10.0.0.1")
    services.token_revoke(key=key)
    assert services.user_for_token(key) is None


def test_token_unused_for_the_idle_limit_stops_working_and_is_deleted(applicant: User) -> None:
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        key = services.token_issue(login=applicant.email, password=PASSWORD, ip="10.0.0.1")
    with time_machine.travel(start + dt.timedelta(days=29), tick=False):
        assert services.user_for_token(key) == applicant  # used: the idle clock starts again
    with time_machine.travel(start + dt.timedelta(days=29 + 31), tick=False):
        assert services.user_for_token(key) is None
    assert not ApiToken.objects.filter(user=applicant).exists()


def test_token_in_daily_use_still_ends_at_its_maximum_age(applicant: User) -> None:
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        key = services.token_issue(login=applicant.email, password=PASSWORD, ip="10.0.0.1")
    for day in range(10, 90, 10):
        with time_machine.travel(start + dt.timedelta(days=day), tick=False):
            assert services.user_for_token(key) == applicant
    with time_machine.travel(start + dt.timedelta(days=91), tick=False):
        assert services.user_for_token(key) is None


# --- password reset ----------------------------------------------------------------------


def reset_code_from(message: Any) -> str:
    match = re.search(r"([A-Za-z0-9_-]+\.[A-Za-z0-9-]+)\n", message.body)
    assert match, message.body
    return match.group(1)


def test_password_reset_sets_the_password_and_logs_every_client_out(
    applicant: User, django_capture_on_commit_callbacks: Any
) -> None:
    old_key = services.token_issue(login=applicant.email, password=PASSWORD, ip="10.0.0.1")
    with django_capture_on_commit_callbacks(execute=True):
        services.password_reset_request(email="ANI@example.id")
    assert [m.to for m in mail.outbox] == [["ani@example.id"]]
    code = reset_code_from(mail.outbox[0])
    services.password_reset_confirm(reset_code=code, password="Baru-Lebih-Kuat-77")
    applicant.refresh_from_db()
    assert applicant.check_password("Baru-Lebih-Kuat-77")
    assert services.user_for_token(old_key) is None
    with pytest.raises(DomainError) as caught:  # a code works once
        services.password_reset_confirm(reset_code=code, password="Lagi-Lain-Kuat-88")
    assert caught.value.code == "invalid_reset_code"


def test_password_reset_for_unknown_email_sends_nothing(db: None, django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        services.password_reset_request(email="nobody@example.id")
    assert mail.outbox == []
    assert not Message.objects.exists()


def test_weak_new_password_keeps_the_old_one(applicant: User, django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        services.password_reset_request(email=applicant.email)
    with pytest.raises(DomainError) as caught:
        services.password_reset_confirm(reset_code=reset_code_from(mail.outbox[0]), password="12345678")
    assert caught.value.field == "password"
    applicant.refresh_from_db()
    assert applicant.check_password(PASSWORD)


@pytest.mark.parametrize(
    "code",
    ["", ".", "abc", "MQ.", "MQ.wrong-token", "!!!.abc", "OTk5OTk5OTk5OTk5OTk5OTk5OTk5OTk5OQ.abc", "LTE.abc", "w6k.a"],
)
def test_bad_reset_codes_are_refused(applicant: User, code: str) -> None:
    with pytest.raises(DomainError) as caught:
        services.password_reset_confirm(reset_code=code, password="Baru-Lebih-Kuat-77")
    assert (caught.value.code, caught.value.field) == ("invalid_reset_code", "reset_code")


# --- household ------------------------------------------------------------------------------


def test_household_holds_five_members_and_no_sixth(applicant: User) -> None:
    for index, (nik, born, sex, relation) in enumerate(MEMBERS):
        services.household_add(
            user=applicant, full_name=f"Anggota {index}", nik=nik, birth_date=born, sex=sex, relation=relation
        )
    with pytest.raises(Conflict) as caught:
        services.household_add(user=applicant, **SARI)
    assert caught.value.code == "household_full"
    assert applicant.people.count() == 6  # the holder and five members
    assert not Person.objects.filter(nik=SARI["nik"]).exists()


@pytest.mark.parametrize("nik", ["1671014508900002", "3174011203850003"])
def test_member_nik_already_held_anywhere_is_refused(applicant: User, other_applicant: User, nik: str) -> None:
    with pytest.raises(Conflict) as caught:
        services.household_add(user=applicant, **{**SARI, "nik": nik})
    assert caught.value.code == "nik_registered"


def test_member_of_another_household_cannot_be_added_again(applicant: User, other_applicant: User) -> None:
    services.household_add(user=other_applicant, **SARI)
    with pytest.raises(Conflict):
        services.household_add(user=applicant, **SARI)
    assert Person.objects.get(nik=SARI["nik"]).account == other_applicant


def test_member_with_mismatching_nik_is_flagged(applicant: User) -> None:
    person = services.household_add(user=applicant, **{**SARI, "sex": "M"})
    assert person.nik_flags == ["sex_mismatch"]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"relation": "self"}, "relation"),
        ({"relation": "cousin"}, "relation"),
        ({"nik": "123"}, "nik"),
        ({"birth_date": dt.date(2999, 1, 1)}, "birth_date"),
    ],
)
def test_invalid_member_is_refused(applicant: User, changes: dict[str, Any], field: str) -> None:
    with pytest.raises(DomainError) as caught:
        services.household_add(user=applicant, **{**SARI, **changes})
    assert caught.value.field == field
    assert applicant.people.count() == 1


@pytest.mark.parametrize(
    ("relation", "born"),
    [
        ("parent", dt.date(1995, 1, 1)),  # a parent born after Ani (1990)
        ("parent", dt.date(1980, 1, 1)),  # ten years older: not a plausible parent
        ("child", dt.date(1985, 1, 1)),  # a child born before her
        ("child", dt.date(1999, 1, 1)),  # born when Ani was eight
    ],
)
def test_a_relation_that_does_not_fit_the_birth_dates_is_refused_on_the_birth_date(
    applicant: User, relation: str, born: dt.date
) -> None:
    with pytest.raises(DomainError) as caught:
        services.household_add(user=applicant, **{**SARI, "relation": relation, "birth_date": born})
    assert (caught.value.code, caught.value.field) == ("relation_birth_date", "birth_date")
    assert "5 Agustus 1990" in caught.value.message
    assert applicant.people.count() == 1


@pytest.mark.parametrize(
    ("relation", "born"),
    [("parent", dt.date(1960, 4, 22)), ("child", dt.date(2015, 3, 12)), ("sibling", dt.date(1985, 1, 1))],
)
def test_a_relation_that_fits_the_birth_dates_is_added(applicant: User, relation: str, born: dt.date) -> None:
    nik = f"167101{born.day + 40:02d}{born.month:02d}{born.year % 100:02d}0001"
    person = services.household_add(user=applicant, **{**SARI, "nik": nik, "relation": relation, "birth_date": born})
    assert person.relation == relation


def test_removing_a_member_frees_the_nik(applicant: User, other_applicant: User) -> None:
    person = services.household_add(user=applicant, **SARI)
    services.household_remove(user=applicant, person_id=person.pk)
    assert services.household_add(user=other_applicant, **SARI).account == other_applicant


def test_nobody_removes_a_holder_or_a_strangers_member(applicant: User, other_applicant: User) -> None:
    member = services.household_add(user=other_applicant, **SARI)
    for person_id in (member.pk, applicant.people.get().pk, other_applicant.people.get(relation="self").pk):
        with pytest.raises(NotFound):
            services.household_remove(user=applicant, person_id=person_id)
    assert Person.objects.count() == 3


def test_unverified_registrations_are_purged_and_free_their_nik(db: None, settings: Any) -> None:
    settings.LOKET_UNVERIFIED_TTL_HOURS = 48
    t0 = dt.datetime(2026, 12, 1, 3, 0, tzinfo=dt.UTC)
    with time_machine.travel(t0, tick=False):
        squatter = make_applicant(email="calo@example.id", nik="3174011203850009", verified=False)
        kept = make_applicant(email="real@example.id", nik="3174011203850010", verified=True)
    with time_machine.travel(t0 + dt.timedelta(hours=47), tick=False):
        assert services.unverified_accounts_purge() == 0
    with time_machine.travel(t0 + dt.timedelta(hours=49), tick=False):
        assert services.unverified_accounts_purge() == 1
    assert not User.objects.filter(pk=squatter.pk).exists()
    assert not Person.objects.filter(nik="3174011203850009").exists()  # the NIK can be registered again
    assert User.objects.filter(pk=kept.pk).exists()
