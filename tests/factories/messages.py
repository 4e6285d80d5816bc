"""Organiser messages, written as drafts through the service (as the admin does)."""

from registrations.models import Event, MessageSegment, OrganiserMessage
from registrations.services.action_log import Actor
from registrations.services.messages import message_save_draft

TEST_ORGANISER = Actor.system("test organiser")


def make_message(event: Event, **fields) -> OrganiserMessage:
    """A draft to the event's confirmed online attendees; `fields` override any part."""
    values = dict(
        segment=MessageSegment.ONLINE,
        subject="The stream starts at 9:00",
        body="Dear {first_name} {last_name},\n\nthe stream opens half an hour early.",
    )
    values.update(fields)
    return message_save_draft(message=OrganiserMessage(event=event, **values), actor=TEST_ORGANISER)
