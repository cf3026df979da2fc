"""What the accounts app announces for the apps above it to act on.

`account_message`: a message the account holder must get now (the e-mail verification code,
a password reset link). Sent inside the caller's transaction; loket/notify receives it and
writes the outbox row in that same transaction, so the message exists exactly when the
change that asked for it does. Keyword arguments: event, user, key, context.
"""

from django.dispatch import Signal

account_message = Signal()
