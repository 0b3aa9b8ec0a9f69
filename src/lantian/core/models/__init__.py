from .accounts import LoginEvent, PasswordHistory, Role, User
from .organizations import Division, Organization, OrganizationLink

__all__ = ["Division", "LoginEvent", "Organization", "OrganizationLink", "PasswordHistory", "Role", "User"]
