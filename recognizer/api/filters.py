"""The API's filters of the list of predictions: the site's one FilterSet (recognizer.filters),
so the API and History agree on what each filter means."""

from recognizer.filters import PredictionFilter

__all__ = ["PredictionFilter"]
