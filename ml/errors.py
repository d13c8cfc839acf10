"""Errors for pictures the engine cannot read.

Each message is a sentence shown to the person who sent the picture (the site
and the API return ``str(error)`` as is), so it says what to do, not how the
code failed.
"""

from __future__ import annotations

from ml.formats import ACCEPTED_NAMES


class ImageError(ValueError):
    """A picture the engine refuses; ``str()`` is a sentence for the end user."""

    message = "This picture cannot be read."

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or self.message)


class UnreadableImage(ImageError):
    message = f"This file is not an image we can read ({ACCEPTED_NAMES})."


class ImageTooLarge(ImageError):
    message = "This picture has too many pixels: please send a smaller one."


class NoDigitFound(ImageError):
    message = "No digit found: the picture is blank or has no ink."


class NotADigit(ImageError):
    message = "That doesn't look like a digit: draw or send one digit (0-9), or a number. If it is one, read it anyway."
