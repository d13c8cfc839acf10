"""Forms of the recognizer pages: validation only; the writes are in services."""

from __future__ import annotations

from django import forms

from recognizer.models import LABEL_MAX_LENGTH, Prediction, label_validator

DIGIT_CHOICES = [("", "Any digit")] + [(str(d), str(d)) for d in range(10)]
SOURCE_CHOICES = [("", "Any source")] + list(Prediction.Source.choices)


class HistoryFilterForm(forms.Form):
    """The GET form above History; a value it does not know is ignored, never an error page."""

    digit = forms.TypedChoiceField(choices=DIGIT_CHOICES, coerce=int, empty_value=None, required=False,
                                   label="Digit")
    source = forms.ChoiceField(choices=SOURCE_CHOICES, required=False, label="Source")

    def filters(self) -> dict:
        """The valid filters as keyword arguments of selectors.prediction_list."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {"digit": data.get("digit"), "source": data.get("source") or None}


class CorrectionForm(forms.Form):
    """"That's not right": the digits the picture really shows."""

    correct_label = forms.CharField(
        label="The correct digits",
        max_length=LABEL_MAX_LENGTH,
        validators=[label_validator],
        help_text="The digits the picture really shows, left to right, with one space between lines: "
                  "e.g. 7, 2024 or 2024 17.",
        # No inputmode="numeric": phone keypads for it have no space, which separates lines.
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
