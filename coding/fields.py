"""Form fields shared by the apps' forms."""

from django import forms
from django.core.exceptions import ValidationError

from config.converters import parse_id


class ModelIdsField(forms.ModelMultipleChoiceField):
    """A ModelMultipleChoiceField whose values must look like database ids (ASCII digits, at
    most 18). Django hands any number to the `pk__in` query, and SQLite cannot bind one above
    2**63 - 1: an OverflowError, a server error, where the user should read "not a choice"."""

    def _check_values(self, value):
        for item in value:
            if parse_id(str(item)) is None:
                raise ValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": item},
                )
        return super()._check_values(value)
