"""The language switch on every page: Django's set_language, remembered on the account too."""

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_POST
from django.views.i18n import set_language

from loket.accounts import services
from loket.accounts.models import User


@require_POST
def switch(request: HttpRequest) -> HttpResponse:
    response = set_language(request)
    language = request.POST.get("language", "")
    # Mails and messages follow the language the applicant reads the pages in.
    if isinstance(request.user, User) and language in ("id", "en"):
        services.account_language_set(user=request.user, language=language)
    return response
