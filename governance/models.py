"""Imports every model so that SQLAlchemy and Alembic see the whole schema."""

from governance.accountability.models import (  # noqa: F401
    LeadRole,
    LeadRoleAppointment,
    Workstream,
    WorkstreamAssignment,
)
from governance.auth.models import (  # noqa: F401
    LoginAttempt,
    PasswordResetRequest,
    PasswordResetToken,
    User,
    UserSession,
)
from governance.core.audit import AuditEntry  # noqa: F401
from governance.core.ledger import LedgerEntry  # noqa: F401
from governance.core.once import FormSubmission  # noqa: F401
from governance.core.outbox import OutboxAttachment, OutboxMessage  # noqa: F401
from governance.decisions.models import (  # noqa: F401
    ActionUpdate,
    BoardAction,
    Decision,
    DecisionCounter,
    MeetingDecisionsLock,
    ResolutionVote,
    WrittenResolution,
)
from governance.declarations.models import (  # noqa: F401
    GiftDeclaration,
    InterestDeclaration,
    MeetingDeclaration,
    RegisterSettings,
)
from governance.documents.models import DocumentJob, IssuedDocument  # noqa: F401
from governance.engagement.models import (  # noqa: F401
    ActivityAttachment,
    EngagementActivity,
    EngagementSettings,
    Feedback,
    FeedbackLink,
    FeedbackOriginal,
    FeedbackSender,
    PanelMember,
    PatientPanel,
    ProfileCount,
    PublicFormUse,
)
from governance.meetings.meeting_models import (  # noqa: F401
    AgendaItem,
    CalendarFeed,
    Meeting,
    MeetingAttendance,
    MeetingPack,
    MeetingPaper,
)
from governance.meetings.models import Board, BoardMember, QuorumRule, TermsOfReference  # noqa: F401
from governance.minutes.models import ApprovedMinutes, Minutes  # noqa: F401
from governance.mous.models import Mou  # noqa: F401
from governance.networks.models import Invitation, Membership, Network  # noqa: F401
from governance.partners.models import Partner  # noqa: F401
