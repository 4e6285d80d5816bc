from .action_log import ActionLogEntry, ActorKind
from .common import (
    CONTACT_FIELDS,
    AttendanceIntent,
    AttendanceMode,
    ConsentRecord,
    ContactDetails,
    OrganisationType,
    consent_given,
    privacy_notice_version,
)
from .events import Event, EventFormat, Session, SessionKind
from .exports import ExportRecord
from .matchmaking import (
    ApplicantType,
    ApplicationCall,
    ApplicationStatus,
    EligibilityDeclaration,
    ExpressionOfInterest,
    Invitation,
    InvitationState,
    Sector,
    invitation_state_expression,
)
from .registrations import Registration, RegistrationSource, RegistrationStatus
from .surveys import InterestSurvey, SurveyResponse

__all__ = [
    "CONTACT_FIELDS",
    "ActionLogEntry",
    "ActorKind",
    "ApplicantType",
    "ApplicationCall",
    "ApplicationStatus",
    "AttendanceIntent",
    "AttendanceMode",
    "ConsentRecord",
    "ContactDetails",
    "EligibilityDeclaration",
    "Event",
    "EventFormat",
    "ExportRecord",
    "ExpressionOfInterest",
    "InterestSurvey",
    "Invitation",
    "InvitationState",
    "OrganisationType",
    "Registration",
    "RegistrationSource",
    "RegistrationStatus",
    "Sector",
    "Session",
    "SessionKind",
    "SurveyResponse",
    "consent_given",
    "invitation_state_expression",
    "privacy_notice_version",
]
