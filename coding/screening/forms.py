from django import forms

from coding.models import Project


class ScreeningSettingsForm(forms.ModelForm):
    class Meta:
        model = Project
        fields = ["screening_required", "screening_double_percent"]
        labels = {
            "screening_required": "Screen new sources before coding",
            "screening_double_percent": "Double-screened share (%)",
        }


class DecisionForm(forms.Form):
    relevant = forms.TypedChoiceField(
        choices=[("1", "Relevant"), ("0", "Not relevant")], coerce=lambda v: v == "1"
    )
    note = forms.CharField(required=False, max_length=2000, widget=forms.Textarea)
