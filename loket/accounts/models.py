"""Accounts (applicants and staff) and the people (NIK holders) an account books for."""

import datetime as dt
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from loket.accounts.nik import mask_nik
from loket.core.fields import SealedCharField


class UserManager(BaseUserManager["User"]):
    def create_user(self, email: str, password: str | None = None, **fields: Any) -> "User":
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields: Any) -> "User":
        fields.setdefault("is_staff", True)
        fields.setdefault("is_superuser", True)
        fields.setdefault("email_verified_at", timezone.now())
        return self.create_user(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A login: an applicant (who has a Person with relation "self") or a staff member."""

    email = models.EmailField(_("email"), unique=True)
    full_name = models.CharField(_("nama lengkap"), max_length=120)
    phone = models.CharField(_("nomor HP"), max_length=16, blank=True, help_text=_("Format E.164, mis. +6281234567890"))
    address = models.CharField(_("alamat"), max_length=255, blank=True)
    language = models.CharField(
        _("bahasa"), max_length=5, default="id", choices=[("id", "Indonesia"), ("en", "English")]
    )
    email_verified_at = models.DateTimeField(_("email terverifikasi"), null=True, blank=True)
    # Set when the number proved itself by a code sent to it (booking by text, loket/textchannel):
    # the number then acts for this account, and for no other (the constraint below).
    phone_verified_at = models.DateTimeField(_("nomor HP terverifikasi"), null=True, blank=True)
    is_active = models.BooleanField(_("aktif"), default=True)
    is_staff = models.BooleanField(_("staf"), default=False)
    date_joined = models.DateTimeField(_("terdaftar"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        verbose_name = _("akun")
        verbose_name_plural = _("akun")
        constraints = [
            models.UniqueConstraint(
                fields=["phone"],
                condition=Q(phone_verified_at__isnull=False),
                name="user_one_account_per_verified_phone",
            )
        ]

    def __str__(self) -> str:
        return self.full_name or self.email

    @property
    def has_verified_email(self) -> bool:
        return self.email_verified_at is not None

    @property
    def has_verified_phone(self) -> bool:
        return self.phone_verified_at is not None


class Sex(models.TextChoices):
    MALE = "M", _("Laki-laki")
    FEMALE = "F", _("Perempuan")


class Relation(models.TextChoices):
    SELF = "self", _("Diri sendiri")
    SPOUSE = "spouse", _("Suami/istri")
    CHILD = "child", _("Anak")
    PARENT = "parent", _("Orang tua")
    SIBLING = "sibling", _("Saudara kandung")
    OTHER = "other", _("Lainnya (satu KK)")


# Indonesian law: a person of 17 or older holds a KTP-el; a younger one comes with a parent.
ADULT_AGE = 17


class Person(models.Model):
    """Someone with a NIK that an account books for: the holder (relation "self") or a household member.

    A NIK belongs to one account or household only (unique), so nobody can be booked twice
    from two accounts.
    """

    # Null for someone an officer registered at the office (a walk-in without an account).
    account = models.ForeignKey(User, on_delete=models.CASCADE, related_name="people", null=True, blank=True)
    relation = models.CharField(_("hubungan"), max_length=10, choices=Relation.choices)
    full_name = models.CharField(_("nama lengkap"), max_length=120)
    # Sealed at rest (UU PDP); `person.nik` reads as the clear NIK. Unique and found by its keyed hash.
    nik = SealedCharField("NIK", context="accounts.person.nik", hash_field="nik_hash")
    nik_hash = models.CharField(max_length=64, unique=True, editable=False)
    birth_date = models.DateField(_("tanggal lahir"))
    sex = models.CharField(_("jenis kelamin"), max_length=1, choices=Sex.choices)
    nik_flags = models.JSONField(_("catatan NIK untuk petugas"), default=list, blank=True)
    # Only for people registered at the office without an account (an account has its own phone).
    phone = models.CharField(_("nomor HP"), max_length=16, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("pemohon")
        verbose_name_plural = _("pemohon")
        constraints = [
            models.UniqueConstraint(
                fields=["account"], condition=Q(relation="self"), name="person_one_self_per_account"
            ),
            models.CheckConstraint(condition=Q(sex__in=["M", "F"]), name="person_sex_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.masked_nik})"

    @property
    def masked_nik(self) -> str:
        return mask_nik(self.nik)

    def age_on(self, day: dt.date) -> int:
        years = day.year - self.birth_date.year
        return years - ((day.month, day.day) < (self.birth_date.month, self.birth_date.day))

    def is_minor_on(self, day: dt.date) -> bool:
        return self.age_on(day) < ADULT_AGE


class EmailVerification(models.Model):
    """The 6-digit code mailed at registration. Only its hash is kept."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="email_verification")
    code_hash = models.CharField(max_length=128)
    sent_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)

    def __str__(self) -> str:
        return f"verification of {self.user_id}"


class ApiToken(models.Model):
    """A bearer token for API clients. Only the SHA-256 of the key is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"token {self.key_hash[:8]}… of {self.user_id}"


class StaffRoleKind(models.TextChoices):
    ADMIN = "admin", _("Administrator nasional")
    SUPERVISOR = "supervisor", _("Supervisor")
    CHECKIN = "checkin", _("Petugas check-in")
    COUNTER = "counter", _("Petugas loket")


class StaffRole(models.Model):
    """What a staff member may do, and where: at one office, or (administrator) everywhere.

    An officer acts only on his own office's bookings and tickets; the national
    administrator is the one role without an office.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="staff_roles", verbose_name=_("akun"))
    office = models.ForeignKey(
        "offices.Office",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="staff_roles",
        verbose_name=_("kantor"),
    )
    role = models.CharField(_("peran"), max_length=12, choices=StaffRoleKind.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("peran petugas")
        verbose_name_plural = _("peran petugas")
        constraints = [
            models.UniqueConstraint(fields=["user", "office", "role"], name="staff_role_unique"),
            models.UniqueConstraint(
                fields=["user", "role"], condition=Q(office__isnull=True), name="staff_role_unique_national"
            ),
            models.CheckConstraint(
                condition=Q(role="admin", office__isnull=True) | (~Q(role="admin") & Q(office__isnull=False)),
                name="staff_role_office_iff_not_admin",
            ),
        ]

    def __str__(self) -> str:
        where = self.office.code if self.office else _("Nasional")
        return f"{self.user} — {self.get_role_display()} ({where})"
