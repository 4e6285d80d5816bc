"""A URLconf with a separate admin site whose list pages derive from CsvExportAdmin.

It tests the export on its own, whatever the project's own ModelAdmins look like.
"""

from django.contrib import admin
from django.urls import include, path

from registrations.admin.exports import CsvExportAdmin
from registrations.models import ExpressionOfInterest, Registration, SurveyResponse

site = admin.AdminSite(name="export_test_admin")


@admin.register(Registration, site=site)
class RegistrationExportAdmin(CsvExportAdmin):
    event_path = "event"
    list_display = ["last_name", "email", "attendance_mode", "status"]
    list_filter = ["event", "attendance_mode", "status"]
    search_fields = ["last_name", "email", "organisation"]


@admin.register(SurveyResponse, site=site)
class SurveyResponseExportAdmin(CsvExportAdmin):
    event_path = "survey__event"
    list_filter = ["survey__event", "intent"]
    search_fields = ["last_name", "email"]


@admin.register(ExpressionOfInterest, site=site)
class ApplicationExportAdmin(CsvExportAdmin):
    event_path = "event"
    list_filter = ["event", "status"]
    search_fields = ["legal_name"]


urlpatterns = [path("admin/", site.urls), path("", include("registrations.urls"))]
