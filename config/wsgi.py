import os

from django.conf import settings
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django_application = get_wsgi_application()

# Imported once Django is set up: the lane reads the shared cache and records metrics.
from loket.api.handler import ApiCalls  # noqa: E402
from loket.ops.lane import AvailabilityLane  # noqa: E402

# Availability reads the lane may answer first; then bearer-token API calls to a handler with
# the middleware they need (loket/api/handler.py); everything else to Django's full handler.
application = AvailabilityLane(ApiCalls(django_application), enabled=settings.LOKET_AVAILABILITY_LANE)
