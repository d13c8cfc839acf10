from django import forms


class TrainForm(forms.Form):
    epochs = forms.IntegerField(
        min_value=1,
        max_value=50,
        initial=12,
        help_text="Passes over the training data; 12 takes about half an hour here.",
    )
    limit = forms.IntegerField(
        required=False,
        min_value=200,
        help_text="Train on only this many MNIST images (a quick test run); "
        "empty for all of them and the other writers' sets.",
    )
    corrections = forms.BooleanField(
        required=False,
        initial=True,
        label="Include corrections",
        help_text="Reviewed answers of the site's users (a fixed 20% is held back for the comparison).",
    )


class PromoteForm(forms.Form):
    reason = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Only to promote past the gate (superusers): why it should serve anyway.",
    )
