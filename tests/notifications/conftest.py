"""The review's fixtures (staff of every role, an engaged auditor, a round, an applicant)."""

from tests.review.conftest import applicant, english, round_, staff

__all__ = ["applicant", "english", "round_", "staff"]
