"""Subscribing a project to a feed."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model

from config.converters import IdMultipleChoiceField
from sources.feeds.subscriptions import (
    MAX_INTERVAL,
    MIN_INTERVAL,
    check_feed_url,
    check_interval,
    check_share,
)
from sources.models import Feed


class FeedForm(forms.ModelForm):
    # In percent, as the sources list's reliability sample; the feed keeps a share (0 to 1).
    reliability_percent = forms.IntegerField(
        label="Reliability sample: % of new sources coded by every one of them",
        min_value=0,
        max_value=100,
        initial=0,
    )

    class Meta:
        model = Feed
        fields = ["url", "title", "interval_minutes", "coders"]
        labels = {
            "url": "Feed URL (RSS or Atom)",
            "interval_minutes": "Poll every (minutes)",
            "coders": "Assign new sources to",
        }
        widgets = {"coders": forms.CheckboxSelectMultiple}
        field_classes = {"coders": IdMultipleChoiceField}

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.project = project
        self.fields["coders"].queryset = (
            get_user_model().objects.filter(memberships__project=project).order_by("username")
        )
        self.fields["interval_minutes"].widget.attrs["min"] = MIN_INTERVAL
        self.fields["interval_minutes"].widget.attrs["max"] = MAX_INTERVAL
        if self.instance.pk:
            # editing: a feed's URL is set once (remove the feed and add the new one)
            del self.fields["url"]
            self.initial["reliability_percent"] = round(self.instance.reliability_share * 100)

    def clean_url(self) -> str:
        return check_feed_url(self.project, self.cleaned_data["url"], feed=self.instance)

    def clean_interval_minutes(self) -> int:
        return check_interval(self.cleaned_data["interval_minutes"])

    def clean_reliability_percent(self) -> int:
        percent = self.cleaned_data["reliability_percent"]
        self.instance.reliability_share = check_share(percent / 100)
        return percent
