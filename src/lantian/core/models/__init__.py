from .accounts import AccessEvent, PasswordHistory, Role, User
from .attachments import Attachment, JournalEntry
from .calendar import WorkCalendarDay
from .drafts import Draft
from .jobs import Job
from .organizations import Division, Organization, OrganizationLink
from .periodic import PeriodicJobState
from .preferences import TablePreference
from .review import Locked, Reviewable, ReviewEvent, ReviewStatus
from .tokens import ApiToken

__all__ = [
    "AccessEvent",
    "ApiToken",
    "Attachment",
    "Division",
    "Draft",
    "Job",
    "JournalEntry",
    "Locked",
    "Organization",
    "OrganizationLink",
    "PasswordHistory",
    "PeriodicJobState",
    "ReviewEvent",
    "ReviewStatus",
    "Reviewable",
    "Role",
    "TablePreference",
    "User",
    "WorkCalendarDay",
]
