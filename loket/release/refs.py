"""The public reference of a waiting-room entry (its "nomor undian"), derived from its ticket.

The ticket is the entrant's secret (it opens their waiting page); the reference is published in
the draw. An HMAC with the server's key links them one way only: nobody can go from a published
reference back to a ticket, an account or a NIK. 16 hex digits (64 bits): no two entries of a
room share one in practice (a room of 100,000 has odds of about 1 in 3.7 billion).
"""

from django.utils.crypto import salted_hmac

REF_SALT = "loket.release.entry-ref"


def entry_ref(ticket: str) -> str:
    return salted_hmac(REF_SALT, ticket, algorithm="sha256").hexdigest()[:16].upper()
