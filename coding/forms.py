from django import forms
from django.contrib.auth import get_user_model

from coding.models import Codebook, Project, Role

User = get_user_model()


class ProjectForm(forms.ModelForm):
    class Meta:
        model = Project
        fields = ["name", "slug", "description", "codebook"]
        help_texts = {"slug": "Short name used in URLs and on the command line, e.g. ties-2024."}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["codebook"].queryset = Codebook.objects.all()
        self.fields["codebook"].initial = Codebook.objects.order_by("-created_at").first()
        self.fields["description"].widget.attrs["rows"] = 3


class MemberForm(forms.Form):
    username = forms.CharField(max_length=150)
    role = forms.ChoiceField(choices=Role.choices, initial=Role.CODER)
    can_ingest = forms.BooleanField(required=False, label="May add sources")

    def clean_username(self):
        username = self.cleaned_data["username"].strip()
        try:
            self.user = User.objects.get(username=username, is_active=True)
        except User.DoesNotExist:
            raise forms.ValidationError(f"There is no active user called “{username}”.") from None
        return username


class MemberRoleForm(forms.Form):
    role = forms.ChoiceField(choices=Role.choices)
    can_ingest = forms.BooleanField(required=False)
