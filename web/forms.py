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
