"""Errors raised by org services: a stable code, the field it concerns and a Chinese message."""

from django.utils.translation import gettext_lazy as _


class OrgError(Exception):
    """A refused org action. `code` is stable (UPPER_SNAKE) for API clients and tests;
    `field` names the input at fault ("" when the whole request is wrong); `message` is
    translated text a clerk can read."""

    def __init__(self, code: str, message, field: str = "") -> None:
        self.code = code
        self.field = field
        self.message = str(message)
        super().__init__(f"{code}: {self.message}")

    def as_dict(self) -> dict[str, str]:
        return {"code": self.code, "field": self.field, "message": self.message}


MESSAGES = {
    "UNKNOWN_ROLE": _("Unknown role: %(value)s."),
    "ROLE_REQUIRED": _("Give the staff member at least one role."),
    "USERNAME_REQUIRED": _("Enter a user name."),
    "USERNAME_TAKEN": _("The user name %(value)s is already taken."),
    "NAME_REQUIRED": _("Enter a name."),
    "DEPARTMENT_NOT_IN_CENTER": _("The department does not belong to this center."),
    "WINDOW_NOT_IN_CENTER": _("The window does not belong to this center."),
    "INVALID_MOBILE": _("Enter a valid mobile phone number."),
    "BACKUP_OTHER_CENTER": _("The backup must work in the same center."),
    "BACKUP_SELF": _("A staff member cannot be their own backup."),
    "BACKUP_CYCLE": _("The backup already has this staff member as their backup."),
    "UNKNOWN_APPLICANT_KIND": _("Unknown applicant kind: %(value)s."),
    "ID_NUMBER_REQUIRED": _("Enter the resident ID number."),
    "INVALID_ID_NUMBER": _("Enter a valid 18-character resident ID number."),
    "USCC_REQUIRED": _("Enter the unified social credit code."),
    "INVALID_USCC": _("Enter a valid 18-character unified social credit code."),
    "INVALID_EMAIL": _("Enter a valid email address."),
    "APPLICANT_EXISTS": _("An applicant with this identity number already exists."),
    "ABSENCE_NOT_ALLOWED": _(
        "Only the staff member themself or an administrator of their center may set their absence."
    ),
    "ABSENCE_REASON_REQUIRED": _("Enter the reason for the absence."),
    "ABSENCE_ENDS_BEFORE_START": _("The absence must end after it starts."),
    "ABSENCE_IN_PAST": _("This period is already over; only a current or coming absence can be recorded."),
    "ABSENCE_OVERLAPS": _("%(name)s is already marked absent from %(start)s to %(end)s."),
    "ABSENCE_ENDED": _("This absence is already over."),
    "ABSENCE_NOT_STARTED": _("This absence has not started yet: cancel it instead of ending it."),
    "ABSENCE_END_IN_PAST": _("An absence cannot be ended in the past."),
    "ABSENCE_END_AFTER_END": _("The absence already ends at %(end)s."),
    "ABSENCE_STARTED": _(
        "This absence has started: end it instead of cancelling it, so the covered period stays on record."
    ),
    "PASSWORD_ISSUE_NOT_ALLOWED": _(
        "You may not issue a temporary password to %(name)s: only an administrator of their center "
        "or of a center above it may (for a center administrator: of a center above it), and never "
        "to oneself."
    ),
    "PASSWORD_WRONG": _("The current password is wrong."),
    "PASSWORD_REQUIRED": _("Enter the new password."),
    "PASSWORD_TOO_LONG": _("At most %(max)d characters."),
    "PASSWORD_UNCHANGED": _("The new password must differ from the current one."),
    "PASSWORD_MISMATCH": _("The two new passwords differ."),
    "PASSWORD_INVALID": _("This password is not allowed."),
    "MOBILE_REQUIRED": _("Enter your mobile phone number."),
    "ACCOUNT_EXISTS": _("An account with this mobile number already exists: sign in, or reset its password."),
    "UNKNOWN_ACCOUNT_KIND": _("Unknown account kind: %(value)s."),
    "ACCOUNT_HAS_APPLICANT": _("This account already acts for an applicant."),
    "ACCOUNT_BIND_REQUIRED": _(
        "The center already knows this identity. To see its cases, bind your account with the "
        "code a window gives you or the one printed on your notice."
    ),
    "SMS_CODE_REQUIRED": _("Enter the 6-digit code we texted to your phone."),
    "SMS_CODE_WRONG": _("The code is wrong. %(left)d tries left."),
    "SMS_CODE_EXPIRED": _("The code has expired or was used up: ask for a new one."),
    "SMS_CODE_NOT_SENT": _("Ask for a code first."),
    "SMS_TOO_OFTEN": _("Too many codes for this number or from this network: wait a minute and try again."),
    "BIND_CODE_REQUIRED": _("Enter the binding code."),
    "BIND_CODE_WRONG": _("This binding code is not valid. Check it on your slip or notice."),
    "BIND_CODE_EXPIRED": _("This binding code has expired: ask a window for a new one."),
    "BIND_CODE_USED": _("This binding code has already been used: ask a window for a new one."),
    "BIND_TOO_OFTEN": _("Too many attempts: wait ten minutes and try again."),
    "BINDING_CHANGE_NOT_ALLOWED": _(
        "Only an intake or pickup clerk of a center that handles this applicant's cases may change "
        "their portal binding."
    ),
    "BINDING_REASON_REQUIRED": _("Write down why (for example: the slip was lost)."),
    "BINDING_REASON_TOO_LONG": _("The reason may be at most %(max)s characters."),
    "BINDING_CHANGES_TOO_OFTEN": _(
        "You have changed many portal bindings in the last hour; wait a while or ask a supervisor."
    ),
    "ACCOUNT_NOT_BOUND": _("No portal account is bound to this applicant."),
    "ACCOUNT_BOUND_TO_OTHER": _(
        "This account already acts for another applicant; one account acts for one applicant only."
    ),
    "NO_ACCOUNT": _("There is no account with this mobile number."),
    "INVALID_CODE": _("Enter a valid code."),
    "CODE_TAKEN": _("The code %(value)s is already used."),
    "NUMBER_TAKEN": _("Window number %(value)s is already used in this center."),
    "INVALID_CHOICE": _("%(value)s is not one of the available choices."),
    "TOO_LONG": _("At most %(max)d characters."),
    "REGION_PARENT_LEVEL": _("The parent region must be at a higher level than the region itself."),
    "REGION_CHILD_LEVEL": _("A sub-region of this region would no longer be at a lower level."),
    "CENTER_PARENT_CYCLE": _("A center cannot be its own upper center, directly or through others."),
    "SECTOR_NOT_IN_CENTER": _("The sector %(value)s does not belong to this center."),
    "ROLE_NOT_GRANTABLE": _(
        "You may not grant or withdraw the role %(roles)s in %(center)s: only a center administrator "
        "of that center or of a center above it may."
    ),
    "CENTER_ADMIN_FROM_ABOVE": _(
        "Only an administrator of a center above %(center)s may make someone a center administrator "
        "of it, or withdraw that role."
    ),
}


def org_error(code: str, field: str = "", *, detail=None, **params) -> OrgError:
    """Build the error for `code`. `detail` (e.g. a validator's own message, which says
    what exactly is wrong) replaces the generic message when given."""
    if detail is not None:
        return OrgError(code, detail, field)
    message = MESSAGES[code]
    text = str(message) % params if params else str(message)
    return OrgError(code, text, field)


def role_refusal(refused, center) -> OrgError:
    """The refusal for roles the actor may not grant or withdraw (`access.roles_refused`):
    the center-admin rule when that role is among them, the general rule otherwise."""
    from onewindow.org.models import Role, ServiceCenter

    if not isinstance(center, ServiceCenter):
        center = ServiceCenter.objects.filter(pk=center).first() or center
    if Role.CENTER_ADMIN in refused:
        return org_error("CENTER_ADMIN_FROM_ABOVE", "roles", center=center)
    labels = dict(Role.choices)
    return org_error(
        "ROLE_NOT_GRANTABLE", "roles", roles="、".join(str(labels[r]) for r in refused), center=center
    )
