import os

from django.conf import settings
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django_application = get_wsgi_application()

# Imported once Django is set up: the lane reads the shared cache and records metrics.
from loket.ops.lane import AvailabilityLane  # noqa: E402

application = AvailabilityLane(django_application, enabled=settings.LOKET_AVAILABILITY_LANE)
