"""Running an admin list action as an organiser would: a POST of the changelist form."""

from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse


def run_admin_action(client, action: str, rows: list, **extra):
    """Run `action` of the admin list of these rows (all of one model), following the redirect."""
    meta = rows[0]._meta
    return client.post(
        reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist"),
        {"action": action, ACTION_CHECKBOX_NAME: [row.pk for row in rows], **extra},
        follow=True,
    )
