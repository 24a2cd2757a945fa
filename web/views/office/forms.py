"""The office's forms: a new value or score with a reason (adjustments, upheld appeals), decisions, publishing."""
from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from django import forms
from django.utils import timezone

from kaohe.engine import KaoheError
from kaohe.engine.loading import parse_text
from kaohe.round.models import Publication

from .common import problems

PERCENT = re.compile(r"\s*(-?\d+(?:\.\d+)?)\s*[%％]\s*")


def _number(text: str, what: str) -> Decimal:
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        raise forms.ValidationError(f"{what}应为数字，如 3.5") from None
    if not value.is_finite():
        raise forms.ValidationError(f"{what}应为数字，如 3.5")
    return value


def _value(text: str):
    """A value typed by the clerk, read as the evidence loader reads YAML (数字, 是/否, text, lists); 95% is 95, as the
    fill-in workbook takes it."""
    if PERCENT.fullmatch(text):
        return Decimal(PERCENT.fullmatch(text).group(1))
    try:
        return parse_text(text, "新的填报值")
    except KaoheError as error:
        raise forms.ValidationError("；".join(problems(error))) from None


class NewValueForm(forms.Form):
    """A new value OR a new score: read here, checked against the item by the action."""

    value = forms.CharField(label="新的填报值", required=False, max_length=2000,
                            help_text="如 96.5、是、开展试点；百分数写数字即可")
    score = forms.CharField(label="新的得分", required=False, max_length=30,
                            help_text="或者直接给出本项得分（二者选一），如 3.5")
    reason = forms.CharField(label="理由", max_length=2000, widget=forms.Textarea(attrs={"rows": 2}),
                             error_messages={"required": "请写明理由"})

    def clean_new(self, cleaned: dict) -> None:
        value, score = cleaned.get("value", "").strip(), cleaned.get("score", "").strip()
        if value and score:
            raise forms.ValidationError("新的填报值和新的得分只能填一项")
        if not value and not score:
            raise forms.ValidationError("请填写新的填报值或新的得分（二者选一）")
        cleaned["new_value"] = _value(value) if value else None
        cleaned["new_score"] = _number(score, "新的得分") if score else None


class AdjustForm(NewValueForm):
    unit = forms.CharField(widget=forms.HiddenInput)
    item = forms.CharField(widget=forms.HiddenInput)
    expect = forms.CharField(widget=forms.HiddenInput, required=False)  # canonical JSON of what the clerk saw

    def clean(self):
        cleaned = super().clean()
        if not self.errors:
            self.clean_new(cleaned)
        return cleaned


class DecideForm(NewValueForm):
    outcome = forms.ChoiceField(label="决定", choices=[("uphold", "维持（更正数值）"), ("reject", "驳回")],
                                widget=forms.RadioSelect, error_messages={"required": "请选择维持或驳回"})
    item = forms.ChoiceField(label="更正的指标", required=False)

    def __init__(self, *args, items: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].choices = items
        self.fields["reason"].label = "决定理由"
        self.fields["reason"].error_messages["required"] = "请写明决定的理由"

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        if cleaned["outcome"] == "uphold":
            self.clean_new(cleaned)
        elif cleaned.get("value", "").strip() or cleaned.get("score", "").strip():
            raise forms.ValidationError("驳回申诉时不更改数值；要更正请选择维持")
        else:
            cleaned["new_value"] = cleaned["new_score"] = None
        return cleaned


class PublishForm(forms.Form):
    kind = forms.ChoiceField(label="发布", choices=[(Publication.NOTICE, "公示"), (Publication.FINAL, "最终结果")],
                             widget=forms.RadioSelect, error_messages={"required": "请选择发布公示还是最终结果"})
    appeal_date = forms.DateField(label="申诉截止日期", required=False,
                                  widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                                  error_messages={"invalid": "日期应写成 2015-03-20"})
    appeal_time = forms.TimeField(label="时间", required=False,
                                  widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
                                  error_messages={"invalid": "时间应写成 17:30"})
    note = forms.CharField(label="说明", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}),
                           help_text="公示必填：向谁、以什么方式申诉，如 申诉请向市质强办书面提出")

    def clean(self):
        cleaned = super().clean()
        cleaned["appeal_until"] = None
        if self.errors or cleaned.get("kind") != Publication.NOTICE:
            return cleaned
        date, time, note = cleaned.get("appeal_date"), cleaned.get("appeal_time"), cleaned.get("note", "").strip()
        if date is None or time is None:
            raise forms.ValidationError("公示应写明申诉截止的日期和时间")
        if not note:
            raise forms.ValidationError("公示应写明说明（向谁、以什么方式申诉）")
        until = timezone.make_aware(dt.datetime.combine(date, time))  # the office's time zone (Asia/Shanghai)
        if until <= timezone.now():
            raise forms.ValidationError("申诉截止时间已经过去：请写一个以后的时间")
        cleaned["appeal_until"] = until
        return cleaned
