"""The one error a reader raises for input it cannot use, with a reason a person understands."""

from __future__ import annotations

__all__ = ["UnreadableInput"]


class UnreadableInput(ValueError):
    """Raised with a reason a person understands when a file cannot become a page."""
