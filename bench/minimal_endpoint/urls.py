from django.urls import path

from bench.minimal_endpoint.views import register

urlpatterns = [path("register/", register, name="minimal_register")]
