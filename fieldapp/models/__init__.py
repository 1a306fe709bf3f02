"""All models, imported here so metadata, migrations and the app see every table."""
from fieldapp.models.assets import (
    Asset,
    Coverage,
    CoverageKind,
    RenewalOutcome,
    RetiredLabel,
    new_qr_token,
)
from fieldapp.models.audit import AppliedWrite, AuditEvent
from fieldapp.models.cases import (
    OPEN_CASE_STATUSES,
    AttentionItem,
    Case,
    CaseEvent,
    CaseStatus,
    CaseType,
    Channel,
    Complaint,
    ComplaintSource,
    FollowUp,
    FollowUpKind,
    FollowUpSource,
    NumberSequence,
    Priority,
    RemoteSupportOutcome,
    RemoteSupportSession,
)
from fieldapp.models.catalog import (
    CoveragePlan,
    FaqEntry,
    Part,
    ProductModel,
    ProductResource,
    ResourceKind,
)
from fieldapp.models.faults import FaultCode, FaultKind
from fieldapp.models.improvement import OPEN_ACTION_STATUSES, ActionStatus, CorrectiveAction, FindingKind
from fieldapp.models.mail import MailStatus, MessageChannel, OutboundMail
from fieldapp.models.messaging import CaseMessage, ContactBy, CustomerLink, LinkPurpose, MessageTemplate, OptedOut
from fieldapp.models.people import Customer, FailedLogin, Role, TechnicianSkill, User, UserSession
from fieldapp.models.agreements import ServiceAgreement
from fieldapp.models.payments import Payment, PaymentMethod, PaymentState
from fieldapp.models.recommendations import Recommendation, RecommendationKind, RecommendationStatus
from fieldapp.models.ratings import ASPECTS, Rating, RatingSource
from fieldapp.models.returns import (
    ReturnCondition,
    ReturnDecision,
    ReturnRequest,
    ReturnStatus,
)
from fieldapp.models.settings import CompanySettings, DashboardSnapshot, ServiceTarget
from fieldapp.models.visits import (
    FollowUpRecommendation,
    NotCompletedReason,
    Outcome,
    PaymentStatus,
    ServiceType,
    Visit,
    VisitPart,
    VisitPhoto,
    VisitStatus,
)

__all__ = [
    "ASPECTS", "OPEN_CASE_STATUSES", "AppliedWrite", "Asset", "AttentionItem", "AuditEvent", "Case", "CaseEvent",
    "CaseStatus", "CaseType", "RemoteSupportOutcome", "RemoteSupportSession",
    "Channel", "Complaint", "ComplaintSource", "Coverage", "CoverageKind", "Customer",
    "FailedLogin", "FollowUp", "FollowUpKind", "FollowUpRecommendation", "NotCompletedReason",
    "NumberSequence", "Outcome", "Part", "PaymentStatus", "Priority", "ProductModel",
    "ProductResource", "Rating", "RatingSource", "ResourceKind", "RetiredLabel", "Role", "ServiceType", "User", "UserSession",
    "Visit", "VisitPart", "VisitPhoto", "VisitStatus", "new_qr_token",
    "CompanySettings", "CoveragePlan", "DashboardSnapshot", "FaqEntry", "FollowUpSource", "MailStatus", "OutboundMail", "RenewalOutcome",
    "ReturnCondition", "ReturnDecision", "ReturnRequest", "ReturnStatus", "ServiceTarget", "TechnicianSkill",
    "FaultCode", "FaultKind", "Payment", "PaymentMethod", "PaymentState", "ServiceAgreement",
    "Recommendation", "RecommendationKind", "RecommendationStatus",
    "ActionStatus", "CorrectiveAction", "FindingKind", "OPEN_ACTION_STATUSES",
    "CaseMessage", "ContactBy", "CustomerLink", "LinkPurpose", "MessageChannel", "MessageTemplate", "OptedOut",
]
