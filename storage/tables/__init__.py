"""SQLAlchemy 2 table definitions, one module per area, on one ``Base`` (``base.py``), so
Alembic sees one metadata. Times are stored as naive UTC and read back aware.

Every table is re-exported here: storage code writes ``from storage import tables as T``
and ``T.Concern``; importing this package registers every table on ``Base.metadata``.
"""
from storage.tables.base import NAMING, Base, UTCDateTime
from storage.tables.people import (
    BindingAttempt,
    BindingCode,
    ChannelIdentity,
    OrgUnit,
    Person,
    ResponsibilityZone,
    RoleAssignment,
)
from storage.tables.concerns import Attachment, Concern, ConcernCounter, ConcernEvent, RelayMessage
from storage.tables.crisis import CrisisPage
from storage.tables.process import AuditLog, Conversation, InboxRow, OutboxRow
from storage.tables.schedule import CalendarOverride, Reminder
from storage.tables.surveys import (
    Survey,
    SurveyDelivery,
    SurveyDraft,
    SurveyParticipation,
    SurveyRating,
    SurveyResponse,
)
from storage.tables.reception import (
    LeaderContactUnit,
    ReceptionBooking,
    ReceptionFeed,
    ReceptionNotice,
    ReceptionOverride,
    ReceptionSchedule,
    ReceptionSession,
    ReceptionTopic,
)

__all__ = [
    "Attachment", "AuditLog", "Base", "BindingAttempt", "BindingCode", "CalendarOverride",
    "ChannelIdentity",
    "Concern", "ConcernCounter", "ConcernEvent", "Conversation", "CrisisPage", "InboxRow",
    "LeaderContactUnit", "NAMING", "OrgUnit", "OutboxRow", "Person", "RelayMessage", "ResponsibilityZone",
    "ReceptionBooking", "ReceptionFeed", "ReceptionNotice", "ReceptionOverride", "ReceptionSchedule",
    "ReceptionSession", "ReceptionTopic",
    "Reminder", "RoleAssignment", "Survey", "SurveyDelivery", "SurveyDraft",
    "SurveyParticipation", "SurveyRating", "SurveyResponse", "UTCDateTime",
]
