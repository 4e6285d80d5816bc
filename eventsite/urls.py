from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "eventsite: organiser administration"
admin.site.site_title = "eventsite admin"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("checkin/", include("registrations.checkin_urls")),
    path("", include("registrations.urls")),
]
