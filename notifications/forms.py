from __future__ import annotations

from django import forms

from notifications.models import NotificationKind


class PreferencesForm(forms.Form):
    def __init__(self, *args, kinds: list[str], initial_values: dict[str, bool], **kwargs):
        super().__init__(*args, **kwargs)
        for kind in kinds:
            self.fields[kind] = forms.BooleanField(
                label=NotificationKind(kind).label, required=False, initial=initial_values[kind]
            )
