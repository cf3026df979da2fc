from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject
from django.utils.translation import get_language

from loket.web.selectors import notices_in_force


def notices(request: HttpRequest) -> dict[str, object]:
    """Nationwide notices for the top of every page (office notices show in the office finder).

    Lazy: templates that never show notices (the admin, mails) cost no lookup.
    """

    def texts() -> list[str]:
        language = get_language() or "id"
        return [n.text_for(language) for n in notices_in_force() if n.office_id is None]

    return {"notices": SimpleLazyObject(texts)}
