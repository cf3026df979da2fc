from django.db.models import QuerySet

from loket.accounts.models import Person, Relation, User
from loket.accounts.nik import NikError, normalize_nik


def user_by_login(login: str) -> User | None:
    """The account for an email address or the holder's NIK."""
    login = login.strip()
    if "@" in login:
        return User.objects.filter(email__iexact=login).first()
    try:
        nik = normalize_nik(login)
    except NikError:
        return None
    person = Person.objects.select_related("account").filter(nik=nik, relation=Relation.SELF).first()
    return person.account if person else None


def household_of(user: User) -> QuerySet[Person]:
    return user.people.exclude(relation=Relation.SELF).order_by("created_at", "id")


def holder_of(user: User) -> Person | None:
    return user.people.filter(relation=Relation.SELF).first()


def account_for_phone(phone: str) -> User | None:
    """The account a verified phone number (E.164) acts for; at most one (a database constraint)."""
    return User.objects.filter(phone=phone, phone_verified_at__isnull=False, is_active=True).first()
