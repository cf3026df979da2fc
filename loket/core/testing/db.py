"""A second PostgreSQL session on the test database, outside Django (tests that act on the
database behind the ORM's back: terminate sessions, change a table)."""

import psycopg
from django.conf import settings


def side_connection() -> psycopg.Connection:
    db = settings.DATABASES["default"]
    return psycopg.connect(
        host=db["HOST"],
        port=db["PORT"] or 5432,
        user=db["USER"],
        password=db["PASSWORD"],
        dbname=db["NAME"],
        autocommit=True,
    )
