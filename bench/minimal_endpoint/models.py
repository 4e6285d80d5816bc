from django.db import models


class Registrant(models.Model):
    """The eight person fields of a registration, with the same lengths."""

    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    email = models.EmailField(max_length=254)
    organisation = models.CharField(max_length=200)
    organisation_type = models.CharField(max_length=32)
    job_title = models.CharField(max_length=150, blank=True)
    country = models.CharField(max_length=2)
    attendance_mode = models.CharField(max_length=20)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.email
