from django.contrib.admin.apps import AdminConfig


class OrganiserAdminConfig(AdminConfig):
    """Django's admin, whose default site (`admin.site`) is the organisers' two-factor one."""

    default_site = "eventsite.admin_site.OrganiserAdminSite"
