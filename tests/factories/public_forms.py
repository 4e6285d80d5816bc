"""What a person's browser sends along with a public form: the bot trap's signed start time."""

import time

from registrations.forms.bot_trap import HONEYPOT_FIELD, STARTED_FIELD, BotTrapForm


def bot_trap_fields(form_class: type[BotTrapForm], *, seconds_ago: float = 60) -> dict[str, str]:
    """The trap as a person leaves it: the hidden field empty, the page opened `seconds_ago`."""
    return {HONEYPOT_FIELD: "", STARTED_FIELD: form_class.stamp(time.time() - seconds_ago)}
