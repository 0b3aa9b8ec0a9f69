from .accounts import AccessEvent, PasswordHistory, Role, User
from .attachments import Attachment, JournalEntry
from .drafts import Draft
from .jobs import Job
from .organizations import Division, Organization, OrganizationLink
from .preferences import TablePreference
from .review import Locked, Reviewable, ReviewEvent, ReviewStatus

__all__ = [
    "AccessEvent",
    "Attachment",
    "Division",
    "Draft",
    "Job",
    "JournalEntry",
    "Locked",
    "Organization",
    "OrganizationLink",
    "PasswordHistory",
    "ReviewEvent",
    "ReviewStatus",
    "Reviewable",
    "Role",
    "TablePreference",
    "User",
]
