"""Forms of the recognizer pages: validation only; the writes are in services.

History's filters are recognizer.filters.PredictionFilter's form, shared with the API.
"""

from __future__ import annotations

from django import forms

from recognizer.models import LABEL_MAX_LENGTH, label_validator


class AnswerForm(forms.Form):
    """The one-click answers on History and the detail page: its buttons send one of these."""

    CONFIRM = "confirm"
    NOT_A_DIGIT = "not_a_digit"
    CLEAR = "clear"

    answer = forms.ChoiceField(
        choices=[(CONFIRM, "Yes, that's right"), (NOT_A_DIGIT, "Not a digit"), (CLEAR, "Take back the answer")]
    )


class CorrectionForm(forms.Form):
    """ "That's not right": the digits the picture really shows."""

    correct_label = forms.CharField(
        label="The correct digits",
        max_length=LABEL_MAX_LENGTH,
        validators=[label_validator],
        help_text="The digits the picture really shows, left to right, with one space between lines: "
        "e.g. 7, 2024 or 2024 17.",
        # No inputmode="numeric": phone keypads for it have no space, which separates lines.
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
