"""Admin list filters shared by several lists."""

from django.contrib import admin
from django.contrib.admin.utils import get_last_value_from_parameters
from django.utils.translation import gettext_lazy as _
from django_countries import countries


class CountriesPresentFilter(admin.FieldListFilter):
    """A country filter that lists only the countries of the rows in the list, by name.

    Django's filter for a field with choices would list all 250 countries, most of them
    leading to an empty list. Use it as ("country", CountriesPresentFilter) in list_filter.
    """

    def __init__(self, field, request, params, model, model_admin, field_path):
        self.lookup_kwarg = f"{field_path}__exact"
        self.lookup_val = get_last_value_from_parameters(params, self.lookup_kwarg)
        super().__init__(field, request, params, model, model_admin, field_path)
        codes = (
            model_admin.get_queryset(request)
            .exclude(**{field_path: ""})
            .order_by()
            .values_list(field_path, flat=True)
            .distinct()
        )
        self.lookup_choices = sorted(
            ((str(code), countries.name(code)) for code in set(codes)),
            key=lambda choice: choice[1],
        )

    def expected_parameters(self) -> list[str | None]:
        return [self.lookup_kwarg]

    def has_output(self) -> bool:
        return bool(self.lookup_choices)

    def choices(self, changelist):
        yield {
            "selected": self.lookup_val is None,
            "query_string": changelist.get_query_string(remove=[self.lookup_kwarg]),
            "display": _("All"),
        }
        for code, name in self.lookup_choices:
            yield {
                "selected": self.lookup_val == code,
                "query_string": changelist.get_query_string({self.lookup_kwarg: code}),
                "display": name,
            }
