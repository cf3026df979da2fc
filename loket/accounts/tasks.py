"""Periodic jobs of the accounts domain, run by the background worker."""

from loket.accounts.services import unverified_accounts_purge


def purge_unverified_accounts() -> int:
    return unverified_accounts_purge()
