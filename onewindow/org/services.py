"""Writes for the org domain: the org tree, role groups, staff accounts, AB posts and
absences, applicants.

Every function here is one business action, keyword-only and atomic. Callers (admin,
commands, the demo loader, later the workbench and API) never save org rows themselves.
The actions live in `org/actions/`, one module for each part of the org; this module
re-exports them so other apps import `onewindow.org.services` only.
"""

from onewindow.org.actions.absences import staff_absence_cancel, staff_absence_create, staff_absence_end
from onewindow.org.actions.applicants import (
    applicant_clean,
    applicant_create,
    applicant_update,
    clean_document,
    clean_id_number,
    clean_uscc,
)
from onewindow.org.actions.checks import clean_mobile
from onewindow.org.actions.roles import role_permission_codes, roles_sync
from onewindow.org.actions.staff import (
    MAX_PASSWORD_LENGTH,
    TEMPORARY_PASSWORD_LENGTH,
    staff_create,
    staff_password_change,
    staff_password_issue,
    staff_set_backup,
    staff_set_roles,
    staff_update,
)
from onewindow.org.actions.tree import (
    center_create,
    center_paths_rebuild,
    center_update,
    department_create,
    department_update,
    region_create,
    region_update,
    sector_create,
    sector_update,
    window_create,
    window_update,
)
from onewindow.org.errors import OrgError

__all__ = [
    "MAX_PASSWORD_LENGTH",
    "TEMPORARY_PASSWORD_LENGTH",
    "center_create",
    "center_paths_rebuild",
    "center_update",
    "clean_document",
    "clean_id_number",
    "clean_mobile",
    "clean_uscc",
    "OrgError",
    "applicant_clean",
    "applicant_create",
    "applicant_update",
    "department_create",
    "department_update",
    "region_create",
    "region_update",
    "role_permission_codes",
    "roles_sync",
    "sector_create",
    "sector_update",
    "staff_absence_cancel",
    "staff_absence_create",
    "staff_absence_end",
    "staff_create",
    "staff_password_change",
    "staff_password_issue",
    "staff_set_backup",
    "staff_set_roles",
    "staff_update",
    "window_create",
    "window_update",
]
