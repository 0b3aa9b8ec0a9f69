from .accounts import AccessEvent, PasswordHistory, Role, User
from .jobs import Job
from .organizations import Division, Organization, OrganizationLink
from .preferences import TablePreference

__all__ = [
    "AccessEvent",
    "Division",
    "Job",
    "Organization",
    "OrganizationLink",
    "PasswordHistory",
    "Role",
    "TablePreference",
    "User",
]
