"""Worker tasks of the dossier. They take primary keys, never objects."""

from loket.dossier.services import application_identity_check, application_passport_check


def identity_check(application_id: int) -> str:
    return application_identity_check(application_id=application_id)


def passport_check(application_id: int) -> str:
    return application_passport_check(application_id=application_id)
