"""All ORM models, so ``Base.metadata`` is complete once this package is imported."""

from app.models.accounts import ApiKey, AuthToken, Entity, LoginFailure, User
from app.models.audit import AuditEvent, DataVersion
from app.models.base import Base
from app.models.cluster import Cluster, ClusterRecommendation
from app.models.deadline import Deadline, DeadlineCompletion, DeadlinePublication
from app.models.evidence import EvidenceFile
from app.models.followup import FollowUpDocument, FollowUpGrade, FollowUpReply, RecommendationFollowUp
from app.models.form_submission import FormSubmission
from app.models.idempotency import IdempotencyRecord
from app.models.imports import FeedValidator, ImportLease, ImportRun, ImportWarning, RejectedRecord
from app.models.local import RecommendationEntity, RecommendationLocal, StatusChange
from app.models.notify import OutboxMessage
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
from app.models.recommendation import (
    Recommendation,
    RecommendationSearch,
    RecommendationText,
    Revision,
    SearchIndexState,
)
from app.models.report_template import ReportTemplate
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
    "DataVersion",
    "Deadline",
    "DeadlineCompletion",
    "DeadlinePublication",
    "Entity",
    "EvidenceFile",
    "FeedValidator",
    "FollowUpDocument",
    "FollowUpGrade",
    "FollowUpReply",
    "FormSubmission",
    "IdempotencyRecord",
    "ImportLease",
    "ImportRun",
    "ImportWarning",
    "Indicator",
    "IndicatorValue",
    "LoginFailure",
    "Mechanism",
    "MechanismLabel",
    "OutboxMessage",
    "ProgressUpdate",
    "RateLimitWindow",
    "Recommendation",
    "RecommendationEntity",
    "RecommendationFollowUp",
    "RecommendationLocal",
    "RecommendationSearch",
    "RecommendationTerm",
    "RecommendationText",
    "RejectedRecord",
    "ReportTemplate",
    "Revision",
    "SearchIndexState",
    "SourceLink",
    "StatusChange",
    "Term",
    "User",
]
