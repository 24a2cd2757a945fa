from __future__ import annotations

from django import forms
from django.conf import settings

from . import uploads


class UploadForm(forms.Form):
    file = forms.FileField(label="填好的填报表（.xlsx）或 YAML、JSON 材料",
                           error_messages={"required": "请选择要上传的文件",
                                           "empty": "文件是空的：请选择填好的填报表或材料文件"})

    def clean_file(self):
        uploaded = self.cleaned_data["file"]
        if uploaded.size > settings.UPLOAD_LIMIT:
            raise forms.ValidationError(
                f"文件过大（{uploaded.size / 1024 / 1024:.1f} MB）：上限为 {settings.UPLOAD_LIMIT // 1024 // 1024} MB；"
                "填好的填报表通常只有几十 KB")
        uploaded.seek(0)
        head = uploaded.read(8)
        uploaded.seek(0)
        try:
            uploads.check_type(uploaded.name, head)
        except uploads.Refused as refused:
            raise forms.ValidationError(str(refused)) from None
        return uploaded


class SubmitForm(forms.Form):
    digest = forms.CharField(max_length=64, min_length=64, widget=forms.HiddenInput)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field, as Django's documentation shows: a list of UploadedFile, maybe empty."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, (list, tuple)):
            return [super(MultipleFileField, self).clean(one, initial) for one in data]
        return [super().clean(data, initial)] if data else []


class AppealForm(forms.Form):
    """A unit's appeal: the items it disputes (offered from its own sheet), its reason, its attachments."""

    items = forms.MultipleChoiceField(label="有异议的指标", widget=forms.CheckboxSelectMultiple,
                                      error_messages={"required": "请勾选有异议的指标（至少一项）",
                                                      "invalid_choice": "指标 %(value)s 不在本单位的评分表中"})
    reason = forms.CharField(
        label="申诉理由", max_length=2000, widget=forms.Textarea(attrs={"rows": 5, "cols": 80}),
        error_messages={"required": "请写明申诉理由：哪一项、为什么有异议、依据什么材料",
                        "max_length": "申诉理由不超过 %(limit_value)d 字（现有 %(show_value)d 字）"})
    files = MultipleFileField(label="附件（可选，可多选）", required=False)

    def __init__(self, *args, choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["items"].choices = choices
