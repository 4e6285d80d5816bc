"""What each organiser role may do on an event: the one table the admin, the exports and the
check-in desk ask (through selectors.events_where)."""

from registrations.models import OrganiserRole


class Capability:
    """The things a team's role allows on one event."""

    VIEW = "view"  # read the event, its programme and its people's entries
    REPORT = "report"  # the report page and its figures (no personal data)
    EDIT_EVENT = "edit_event"  # change the event, its programme, survey, call, meetings, entries
    OPEN_CLOSE = "open_close"  # open and close the survey and registration
    REVIEW = "review"  # read and review expressions of interest
    INVITE = "invite"  # send, resend and withdraw invitations
    MESSAGE = "message"  # write to and message the event's people
    EXPORT = "export"  # CSV exports of personal data
    CHECK_IN = "check_in"  # the check-in desk at the venue

    ALL = frozenset(
        {VIEW, REPORT, EDIT_EVENT, OPEN_CLOSE, REVIEW, INVITE, MESSAGE, EXPORT, CHECK_IN}
    )


ROLE_CAPABILITIES: dict[str, frozenset[str]] = {
    OrganiserRole.MANAGER: Capability.ALL,
    OrganiserRole.REVIEWER: frozenset({Capability.REVIEW}),
    OrganiserRole.CHECK_IN_STAFF: frozenset({Capability.CHECK_IN}),
    OrganiserRole.VIEWER: frozenset({Capability.VIEW, Capability.REPORT}),
}


def roles_with(*capabilities: str) -> list[str]:
    """The roles that allow at least one of these capabilities."""
    wanted = set(capabilities)
    return [role for role, allowed in ROLE_CAPABILITIES.items() if allowed & wanted]
