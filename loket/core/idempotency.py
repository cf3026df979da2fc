"""Web forms that change state act once per form, however often the browser sends it.

Each such form carries a one-time key in a hidden field (`{% idempotency_field %}`); the
view runs under `@form_once`. The first submission that ends in a redirect records the key
with that redirect in the same transaction as the change; a re-sent form (a double click,
a retry after a timeout, the back button) is sent to the same place without acting again.
A twin sent in parallel waits on the key's unique index and is then undone.
"""

import re
import secrets
from collections.abc import Callable
from datetime import timedelta
from functools import wraps

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils import timezone
from django.utils.translation import gettext as _

from loket.core.db import atomic_retry_once
from loket.core.models import FormSubmission

FIELD = "idempotency_key"
KEY_FORMAT = re.compile(r"[A-Za-z0-9_-]{16,64}")
KEEP_DAYS = 7

View = Callable[..., HttpResponse]


def new_key() -> str:
    return secrets.token_urlsafe(24)


def _already_done(request: HttpRequest, url: str) -> HttpResponse:
    messages.info(request, _("Formulir ini sudah dikirim sebelumnya; tidak ada yang diubah lagi."))
    return HttpResponseRedirect(url)


def form_once(*, retry: bool = True, wrap: bool = True) -> Callable[[View], View]:
    """Decorate a view whose POST changes state. `retry`: every effect is in the database,
    so a transaction that lost its connection before COMMIT may run once more.

    `wrap=False` for a view whose service keeps a hot row's lock short on purpose (a seat):
    the key is then recorded right after the change, in its own transaction, so a re-sent
    form still acts once, but two copies sent at the same instant are left to the service's
    own rules (a reschedule refuses the second move to the same window)."""

    def decorate(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
            key = request.POST.get(FIELD, "") if request.method == "POST" else ""
            if not KEY_FORMAT.fullmatch(key):
                key = ""  # not one of ours (junk, a NUL byte): the form acts as it would without one
            account_id = request.user.pk
            if not key or account_id is None:
                return view(request, *args, **kwargs)
            done = FormSubmission.objects.filter(account_id=account_id, key=key).first()
            if done is not None:
                return _already_done(request, done.result_url)

            def act() -> HttpResponse | None:
                response = view(request, *args, **kwargs)
                if response.status_code not in (301, 302, 303):
                    return response  # refused or invalid: nothing was done, the form may be sent again
                try:
                    with transaction.atomic():
                        FormSubmission.objects.create(account_id=account_id, key=key, result_url=response["Location"])
                except IntegrityError:
                    transaction.set_rollback(True)  # our twin committed first: undo this one
                    return None
                return response

            if not wrap:
                response = view(request, *args, **kwargs)
                if response.status_code in (301, 302, 303):
                    FormSubmission.objects.get_or_create(
                        account_id=account_id, key=key, defaults={"result_url": response["Location"]}
                    )
                return response
            outcome = atomic_retry_once(act) if retry else _atomic(act)
            if outcome is None:
                return _already_done(request, FormSubmission.objects.get(account_id=account_id, key=key).result_url)
            return outcome

        return wrapper

    return decorate


def _atomic(func: Callable[[], HttpResponse | None]) -> HttpResponse | None:
    with transaction.atomic():
        return func()


def form_submissions_prune() -> int:
    """Forget keys older than KEEP_DAYS (a form is not re-sent after a week)."""
    deleted, _details = FormSubmission.objects.filter(
        created_at__lt=timezone.now() - timedelta(days=KEEP_DAYS)
    ).delete()
    return deleted
