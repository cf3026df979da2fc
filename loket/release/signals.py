"""What the waiting room tells the apps above it (they react; release imports none of them)."""

from django.dispatch import Signal

# Sent inside the admission's transaction, before the admitted person's usual messages are
# queued, with `entry` (an Entry, its room and office loaded) and `expires` (the pass's end).
# A receiver that queues a message under notify's key for the occurrence on a channel
# (event_key(key=f"release:{entry.pk}:admitted", channel=...)) replaces the usual one there.
entry_admitted = Signal()
