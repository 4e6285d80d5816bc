from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from bench.minimal_endpoint.models import Registrant


class RegistrantForm(forms.ModelForm):
    class Meta:
        model = Registrant
        fields = [
            "first_name",
            "last_name",
            "email",
            "organisation",
            "organisation_type",
            "job_title",
            "country",
            "attendance_mode",
        ]


def register(request: HttpRequest) -> HttpResponse:
    """GET: the form with its CSRF token; POST: validate, insert one row, redirect (302)."""
    form = RegistrantForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        form.save()
        return redirect("minimal_register")
    return render(request, "minimal_endpoint/register.html", {"form": form})
