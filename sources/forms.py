"""Forms of the sources pages: adding sources, editing metadata, assigning, filtering."""

from __future__ import annotations

import re

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q

from coding.fields import ModelIdsField
from coding.models import Assignment, Project, Role
from coding.projects import member_label
from sources.fetching.decode import ENCODING_CHOICES
from sources.inputs import (
    EMAIL_SUFFIXES,
    HTML_SUFFIXES,
    PDF_SUFFIXES,
    TEXT_SUFFIXES,
    InputError,
    ItemSpec,
    csv_url_specs,
    paste_spec,
    typed_file_specs,
    url_specs,
)
from sources.jobs.ingest import too_many_items
from sources.models import ItemKind, Source

LANGUAGE_TAG = re.compile(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*")  # BCP 47, loosely


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files; an empty one is accepted here and becomes a failed item of its own
    (`sources.inputs.file_specs`), so it does not send the whole submission back."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("allow_empty_file", True)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(d, initial) for d in data if d]
        return [super().clean(data, initial)] if data else []


class AddSourcesForm(forms.Form):
    """Every section is optional; whatever is filled in becomes one job."""

    urls = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 6, "placeholder": "https://…\nhttps://…"}),
        label="URLs, one per line",
    )
    csv_file = forms.FileField(
        required=False,
        allow_empty_file=True,  # a failed item of its own, like an empty file below
        label="CSV file with a “url” column",
    )
    html_files = MultipleFileField(required=False, label="HTML files")
    text_files = MultipleFileField(required=False, label="Text or Markdown files")
    pdf_files = MultipleFileField(required=False, label="PDF files (with a text layer)")
    email_files = MultipleFileField(required=False, label="E-mail newsletters")
    zip_file = forms.FileField(
        required=False,
        allow_empty_file=True,  # a failed item of its own, like an empty file above
        label="A .zip of HTML, text, Markdown or PDF files",
    )
    paste_title = forms.CharField(required=False, max_length=500, label="Title")
    paste_text = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 8}), label="Text"
    )

    def clean(self):
        data = super().clean()
        specs: list[ItemSpec] = []
        try:
            specs += url_specs(data.get("urls") or "")
            if data.get("csv_file"):
                upload = data["csv_file"]
                specs += csv_url_specs(upload.read(), upload.name)
            # a file of another type in a field becomes a failed item of its own
            for field, suffixes, kind in [
                ("html_files", HTML_SUFFIXES, ItemKind.HTML),
                ("text_files", TEXT_SUFFIXES, ItemKind.TEXT),
                ("pdf_files", PDF_SUFFIXES, ItemKind.PDF),
                ("email_files", EMAIL_SUFFIXES, ItemKind.EMAIL),
            ]:
                for upload in data.get(field) or []:
                    specs += typed_file_specs(upload.name, upload.read(), suffixes, kind)
            if data.get("zip_file"):
                upload = data["zip_file"]
                specs += typed_file_specs(upload.name, upload.read(), (".zip",), ItemKind.TEXT)
            if data.get("paste_text") or data.get("paste_title"):
                title_refused = "paste_title" in self.errors  # too long, say: said already
                if not title_refused and not (data.get("paste_title") or "").strip():
                    self.add_error("paste_title", "Give the pasted text a title.")
                title, text = data.get("paste_title") or "", data.get("paste_text") or ""
                specs.append(paste_spec(title, text))
        except InputError as exc:
            raise forms.ValidationError(str(exc)) from None
        if not specs and not self.errors:
            raise forms.ValidationError("Nothing to add: fill in at least one section.")
        if too_many := too_many_items(specs):
            raise forms.ValidationError(too_many)
        self.specs = specs
        return data

    def job_kind(self) -> str:
        kinds = {spec.kind for spec in getattr(self, "specs", [])}
        return kinds.pop() if len(kinds) == 1 else "mixed"


class SourceMetadataForm(forms.ModelForm):
    class Meta:
        model = Source
        fields = [
            "title",
            "outlet",
            "author",
            "published_date",
            "language",
            "url",
            "canonical_url",
            "text",
        ]
        widgets = {  # dir="auto": a Persian title or text reads from the right as it is typed
            "title": forms.TextInput(attrs={"dir": "auto"}),
            "outlet": forms.TextInput(attrs={"dir": "auto"}),
            "author": forms.TextInput(attrs={"dir": "auto"}),
            "published_date": forms.DateInput(attrs={"type": "date"}),
            "text": forms.Textarea(attrs={"rows": 12, "dir": "auto"}),
        }
        labels = {"url": "Original URL", "canonical_url": "Canonical URL"}
        help_texts = {"language": "A language tag: en, fa, zh-Hans, ru."}

    def clean_language(self) -> str:
        """A BCP 47 tag as the extraction and the reader's `lang` use them ("zh-Hans"), so a
        page's `lang` and the export's language column hold a tag, not free text."""
        tag = self.cleaned_data["language"].strip()
        if tag and not LANGUAGE_TAG.fullmatch(tag):
            raise forms.ValidationError(
                f"“{tag}” is not a language tag: give one such as en, fa, zh-Hans or ru."
            )
        return tag


class AssignForm(forms.Form):
    sources = ModelIdsField(
        queryset=Source.objects.none(),
        error_messages={
            "required": "Select at least one source.",
            "invalid_choice": "%(value)s is not a source of this project.",
        },
    )
    coders = ModelIdsField(
        queryset=get_user_model().objects.none(),
        widget=forms.CheckboxSelectMultiple(attrs={"form": "assign-form"}),
        error_messages={
            "required": "Select at least one coder.",
            "invalid_choice": "%(value)s is not a member of this project.",
        },
    )
    EVERY, SPREAD = "every", "spread"
    mode = forms.ChoiceField(
        choices=[
            (EVERY, "Every chosen coder codes every selected source"),
            (SPREAD, "Spread: each source to one chosen coder, evenly"),
        ],
        required=False,  # a post without it (older clients) spreads, as before
        widget=forms.RadioSelect(attrs={"form": "assign-form"}),
        initial=EVERY,
    )
    reliability_percent = forms.IntegerField(
        min_value=0,
        max_value=100,
        initial=0,
        required=False,
        label="Reliability sample (% of the selected sources coded by every chosen coder)",
    )

    def __init__(self, project: Project, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sources"].queryset = project.sources.all()
        self.fields["coders"].queryset = (
            get_user_model().objects.filter(memberships__project=project).order_by("username")
        )

    NAMES = {"sources": "Sources", "coders": "Coders", "mode": "Assignment",
             "reliability_percent": "Reliability sample"}  # fmt: skip

    def error_texts(self) -> list[str]:
        """One line per field in error, led by what the field is ("Coders: ...")."""
        return [
            f"{self.NAMES[field]}: {' '.join(errors)}" if field in self.NAMES else " ".join(errors)
            for field, errors in self.errors.items()
        ]


SORTS = {
    "date": ("-published_date", "title"),
    "date_asc": ("published_date", "title"),
    "title": ("title",),
    "added": ("-ingested_at",),
}


class SourceFilterForm(forms.Form):
    q = forms.CharField(required=False, label="Search")
    status = forms.ChoiceField(
        required=False,
        choices=[
            ("", "any status"),
            ("unassigned", "unassigned"),
            ("not_started", "not started"),
            ("in_progress", "in progress"),
            ("done", "done"),
        ],
    )
    coder = forms.ModelChoiceField(
        queryset=get_user_model().objects.none(), required=False, empty_label="any coder"
    )
    sort = forms.ChoiceField(
        required=False,
        choices=[
            ("date", "newest first"),
            ("date_asc", "oldest first"),
            ("title", "title"),
            ("added", "recently added"),
        ],
    )

    def __init__(self, project: Project, *args, pi: bool = True, **kwargs):
        """Coders to filter by (PIs only; a coder's list is their own): the members, and former
        members who still have assignments here (their codings stay in the study), listed as
        "dan (former member)"."""
        super().__init__(*args, **kwargs)
        if not pi:  # a coder's list holds their assignments only: none is unassigned
            del self.fields["coder"]
            status = self.fields["status"]
            status.choices = [c for c in status.choices if c[0] != "unassigned"]
            return
        members = set(project.memberships.values_list("user_id", flat=True))
        assigned = Assignment.objects.filter(source__project=project).values("coder_id")
        field = self.fields["coder"]
        field.queryset = (
            get_user_model()
            .objects.filter(Q(pk__in=members) | Q(pk__in=assigned))
            .order_by("username")
        )
        field.label_from_instance = lambda user: member_label(
            user.get_username(), Role.CODER if user.pk in members else None
        )


class EncodingChoiceForm(forms.Form):
    """The encoding a person picks for an item whose encoding detection could not settle."""

    encoding = forms.ChoiceField(
        choices=[(codec, label) for label, codec in ENCODING_CHOICES], label="Encoding"
    )
