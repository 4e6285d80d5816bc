"""A mail server that is down, or refuses some addresses: Django's in-memory mail backend
(django.core.mail.outbox) with a switch, for the tests of mail that must not get lost."""

import smtplib

from django.core.mail.backends.locmem import EmailBackend

REFUSING_BACKEND = "tests.helpers.mail_server.RefusingEmailBackend"


class RefusingEmailBackend(EmailBackend):
    """Refuses every mail while `down`, and mail to the addresses in `refused`."""

    down = False
    refused: set[str] = set()

    def send_messages(self, messages):
        if RefusingEmailBackend.down:
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        for message in messages:
            if set(message.to) & RefusingEmailBackend.refused:
                raise smtplib.SMTPRecipientsRefused({message.to[0]: (550, b"No such user")})
        return super().send_messages(messages)


def refusing_mail_server(settings, *, down=False, refused=()):
    """Switch the tests' mail to the refusing backend (undone with the settings fixture)."""
    settings.EMAIL_BACKEND = REFUSING_BACKEND
    RefusingEmailBackend.down = down
    RefusingEmailBackend.refused = set(refused)
    return RefusingEmailBackend
