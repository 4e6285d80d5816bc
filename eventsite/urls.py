from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

admin.site.site_header = _("eventsite: organiser administration")
admin.site.site_title = _("eventsite admin")

urlpatterns = [
    # The language switcher posts here (Django's set_language: cookie, then back to the page).
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("checkin/", include("registrations.checkin_urls")),
    path("", include("registrations.urls")),
]
