"""Admin for the org domain, in Chinese through translations.

Every write goes through `onewindow.org.services` (see `onewindow.core.serviceadmin`): a
refusal shows the service's message on the field and stores nothing. A row's center is
fixed once it exists. Org rows are never deleted here: cases, events and staff point at
them, so they are deactivated instead. Staff absences (A/B posts) are added on the staff
page or in their own list, and ended or cancelled by actions, all through the services,
which check the user is the person themself or a center admin of their center.

Personal data is shown masked in lists and never as cipher text in forms. Applicants are
found by an exact ID number through the blind index, since the column itself is encrypted.

Django reads this module only (admin autodiscovery); the admin classes live by model family in
`adminbase` (what they share), `treeadmin` (regions, centers, departments, sectors, windows),
`staffadmin`, `absenceadmin`, `applicantadmin`, `coreadmin` (core's records: personal-data
access log, background jobs) and `accountadmin` (portal accounts, codes, binding changes),
each registering its own models when imported here.
"""

from onewindow.org import (  # noqa: F401 (imported to register their admin classes)
    absenceadmin,
    accountadmin,
    applicantadmin,
    coreadmin,
    staffadmin,
    treeadmin,
)
