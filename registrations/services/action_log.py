"""Recording who did what: every service passes its `Actor` and logs its change here.

A small model of our own rather than django-simple-history or django-auditlog: those record model
saves, with the user taken from the request; our changes are named actions ("cancelled",
"promoted from the waiting list") made in services, by three kinds of actor (a person through a
private link, an organiser, the system), and a person or the system is no user.
"""

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.contrib.contenttypes.models import ContentType
from django.db import models

from registrations.models import ActionLogEntry, ActorKind, Event

# Never written to the log, whatever a caller passes: a private link is a password.
SECRET_FIELDS = frozenset({"token"})

FieldChanges = dict[str, list[Any]]


@dataclass(frozen=True)
class Actor:
    """Who makes a change: build one with `person()`, `organiser(user)` or `system(reason)`."""

    kind: ActorKind
    user: User | None = None
    label: str = ""

    @classmethod
    def person(cls) -> "Actor":
        return cls(kind=ActorKind.PERSON)

    @classmethod
    def organiser(cls, user: User | AnonymousUser) -> "Actor":
        if isinstance(user, AnonymousUser):
            raise TypeError("An organiser is a logged-in user.")
        return cls(kind=ActorKind.ORGANISER, user=user, label=user.get_username())

    @classmethod
    def system(cls, label: str) -> "Actor":
        return cls(kind=ActorKind.SYSTEM, label=label)

    def __str__(self) -> str:
        """For the server log: "organiser anna", "system (demo data)", "person"."""
        if self.kind == ActorKind.SYSTEM:
            return f"system ({self.label})"
        return f"{self.kind} {self.label}".strip()


def loggable(value: Any) -> Any:
    """A field value as JSON keeps it: text for dates, choices and related rows."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, Iterable):
        return [loggable(item) for item in value]
    return str(value)


def snapshot(instance: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """The loggable values of these fields now, to compare after the change."""
    return {name: loggable(getattr(instance, name)) for name in fields if name not in SECRET_FIELDS}


def field_changes(before: Mapping[str, Any], instance: models.Model) -> FieldChanges:
    """{field: [old, new]} for each field of `before` whose value differs on `instance` now."""
    after = snapshot(instance, before)
    return {name: [before[name], after[name]] for name in before if before[name] != after[name]}


def log_action(
    *,
    subject: models.Model,
    action: str,
    actor: Actor,
    changes: Mapping[str, list[Any]] | None = None,
    event: Event | None = None,
) -> ActionLogEntry:
    """Record one action on `subject`; call it inside the service's transaction."""
    return ActionLogEntry.objects.create(
        content_type=ContentType.objects.get_for_model(subject),
        object_id=subject.pk,
        event=event,
        action=action,
        actor_kind=actor.kind,
        actor_user=actor.user,
        actor_label=actor.label[:150],
        changes={
            name: [loggable(old), loggable(new)]
            for name, (old, new) in (changes or {}).items()
            if name not in SECRET_FIELDS
        },
    )


def forget_changes(*, subject: models.Model) -> None:
    """Blank the old and new values logged for `subject` (its personal data is being deleted);
    who did what, and when, stays."""
    action_log_for(subject).update(changes={})


def action_log_for(subject: models.Model) -> models.QuerySet[ActionLogEntry]:
    """The history of one object, newest first (shown on its admin page)."""
    return ActionLogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(subject), object_id=subject.pk
    ).select_related("actor_user")
