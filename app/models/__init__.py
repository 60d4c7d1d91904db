"""All ORM models, so ``Base.metadata`` is complete once this package is imported."""

from app.models.accounts import ApiKey, AuthToken, Entity, LoginFailure, User
from app.models.audit import AuditEvent
from app.models.base import Base
from app.models.cluster import Cluster, ClusterRecommendation
from app.models.imports import FeedValidator, ImportLease, ImportRun, RejectedRecord
from app.models.local import RecommendationEntity, RecommendationLocal, StatusChange
from app.models.plan import (
    Action,
    ActionCluster,
    ActionEntity,
    ActionRecommendation,
    ActionSdg,
    Indicator,
    IndicatorValue,
    ProgressUpdate,
)
from app.models.ratelimit import RateLimitWindow
from app.models.recommendation import Recommendation, RecommendationSearch, RecommendationText, Revision
from app.models.source_link import SourceLink
from app.models.taxonomy import Mechanism, MechanismLabel, RecommendationTerm, Term

__all__ = [
    "Action",
    "ActionCluster",
    "ActionEntity",
    "ActionRecommendation",
    "ActionSdg",
    "ApiKey",
    "AuditEvent",
    "AuthToken",
    "Base",
    "Cluster",
    "ClusterRecommendation",
    "Entity",
    "FeedValidator",
    "ImportLease",
    "ImportRun",
    "Indicator",
    "IndicatorValue",
    "LoginFailure",
    "Mechanism",
    "MechanismLabel",
    "ProgressUpdate",
    "RateLimitWindow",
    "Recommendation",
    "RecommendationEntity",
    "RecommendationLocal",
    "RecommendationSearch",
    "RecommendationTerm",
    "RecommendationText",
    "RejectedRecord",
    "Revision",
    "SourceLink",
    "StatusChange",
    "Term",
    "User",
]
