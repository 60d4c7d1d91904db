"""All ORM models, so ``Base.metadata`` is complete once this package is imported."""

from app.models.base import Base
from app.models.imports import FeedValidator, ImportLease, ImportRun, RejectedRecord
from app.models.recommendation import Recommendation, RecommendationSearch, RecommendationText, Revision
from app.models.taxonomy import Mechanism, MechanismLabel, RecommendationTerm, Term

__all__ = [
    "Base",
    "FeedValidator",
    "ImportLease",
    "ImportRun",
    "Mechanism",
    "MechanismLabel",
    "Recommendation",
    "RecommendationSearch",
    "RecommendationTerm",
    "RecommendationText",
    "RejectedRecord",
    "Revision",
    "Term",
]
