from django import forms

from coding.models import Project


class SuggestionSettingsForm(forms.ModelForm):
    class Meta:
        model = Project
        fields = [
            "suggestions_enabled",
            "suggestions_on_reliability_sample",
            "suggestions_retrain_after",
        ]
        labels = {
            "suggestions_enabled": "Suggest passages to coders",
            "suggestions_on_reliability_sample": "Also on reliability-sample sources",
            "suggestions_retrain_after": "Retrain after this many new approvals",
        }
