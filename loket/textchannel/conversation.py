"""The conversation: one inbound text in, one reply out, in the language the person writes in."""

import datetime as dt
from collections.abc import Callable

from django.utils import translation
from django.utils.translation import gettext as _

from loket.accounts.selectors import account_for_phone
from loket.core.errors import DomainError
from loket.textchannel import account_commands, booking_commands, release_commands
from loket.textchannel.format import day_label
from loket.textchannel.models import Conversation
from loket.textchannel.parsing import TEXT_MAX, Command, Unreadable, command_of
from loket.textchannel.state import Reply, Turn, conversation_for

Handler = Callable[[Turn, list[str]], Reply]

HANDLERS: dict[str, Handler] = {
    "help": account_commands.help_text,
    "register": account_commands.register,
    "code": account_commands.code,
    "family": account_commands.family,
    "offices": booking_commands.offices,
    "schedule": booking_commands.schedule,
    "book": booking_commands.book,
    "check": booking_commands.check,
    "pay": booking_commands.pay,
    "reschedule": booking_commands.reschedule,
    "cancel": booking_commands.cancel,
    "queue": release_commands.queue,
    "yes": booking_commands.yes,
    "no": booking_commands.no,
}


def converse(*, channel: str, phone: str, text: str, now: dt.datetime) -> tuple[Reply, Command]:
    """Answer one message from `phone` (E.164). Runs inside the caller's transaction."""
    conversation, new = conversation_for(phone)
    user = account_for_phone(phone)
    command = command_of(text[: TEXT_MAX + 1])
    # A keyword tells the language; a number's first message otherwise keeps its account's language.
    _set_language(conversation, command.language or (user.language if user and new else ""))
    turn = Turn(conversation=conversation, channel=channel, phone=phone, user=user, now=now)
    with translation.override(conversation.language):
        if len(text) > TEXT_MAX:
            return Reply(_("Pesan terlalu panjang. Ketik BANTUAN untuk daftar perintah.")), command
        return _answer(turn, command), command


def _set_language(conversation: Conversation, language: str) -> None:
    if language and language != conversation.language:
        conversation.language = language
        Conversation.objects.filter(pk=conversation.pk).update(language=language)


def _answer(turn: Turn, command: Command) -> Reply:
    # Six digits alone are the code sent back (or a mistake the code handler explains).
    handler = HANDLERS.get("code" if command.name == "digits" else command.name)
    if handler is None:
        return Reply(_("Perintah tidak dikenal. Ketik BANTUAN untuk daftar perintah."))
    try:
        return handler(turn, command.args)
    except Unreadable as error:
        return Reply(str(error))
    except DomainError as error:
        return Reply(error_text(error))


def error_text(error: DomainError) -> str:
    """A service's refusal as a text: its message, and the nearest day with room when it offers one."""
    nearest = error.extra.get("next_available")
    if isinstance(nearest, str):
        return _("%(message)s Hari terdekat yang masih ada: %(day)s.") % {
            "message": error.message,
            "day": day_label(dt.date.fromisoformat(nearest)),
        }
    return error.message
