"""Subscribing a project to a feed."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model

from sources.errors import IngestError
from sources.fetching.fetch import parse_target
from sources.models import Feed


class FeedForm(forms.ModelForm):
    class Meta:
        model = Feed
        fields = ["url", "title", "interval_minutes", "coders", "reliability_share"]
        labels = {
            "url": "Feed URL (RSS or Atom)",
            "interval_minutes": "Poll every (minutes)",
            "coders": "Assign new sources to",
            "reliability_share": "Share coded by every one of them (0 to 1)",
        }
        widgets = {"coders": forms.CheckboxSelectMultiple}

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.project = project
        self.fields["coders"].queryset = (
            get_user_model().objects.filter(memberships__project=project).order_by("username")
        )
        self.fields["interval_minutes"].min_value = 5
        self.fields["interval_minutes"].widget.attrs["min"] = 5

    def clean_url(self) -> str:
        url = self.cleaned_data["url"].strip()
        try:
            parse_target(url)
        except IngestError as exc:
            raise forms.ValidationError(exc.reason) from None
        if Feed.objects.filter(project=self.project, url=url).exists():
            raise forms.ValidationError("The project follows this feed already.")
        return url

    def clean_interval_minutes(self) -> int:
        value = self.cleaned_data["interval_minutes"]
        if value < 5:
            raise forms.ValidationError("Poll at most every 5 minutes.")
        return value

    def clean_reliability_share(self) -> float:
        value = self.cleaned_data["reliability_share"]
        if not 0.0 <= value <= 1.0:
            raise forms.ValidationError("Give a share between 0 and 1.")
        return value
