"""Public forms: they present the questions; the services decide what is accepted."""

from django import forms

from registrations.services.errors import InvalidInput, ServiceError


class ServiceForm(forms.Form):
    """A form whose valid input a service may still refuse; the refusal is shown on the form."""

    def add_service_error(self, error: ServiceError) -> None:
        """Each problem next to its field (or at the top when the form has no such field)."""
        problems = error.errors if isinstance(error, InvalidInput) else [error]
        for problem in problems:
            self.add_error(problem.field if problem.field in self.fields else None, problem.message)
