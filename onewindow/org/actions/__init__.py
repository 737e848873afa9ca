"""The org domain's actions, one module for each part of the org (what an administrator does).

* `tree` — regions, service centers (and their tree paths), departments, sectors, windows.
* `roles` — the role groups and the permissions each holds.
* `staff` — staff accounts, their roles and B posts, and their passwords.
* `absences` — an A post's absences, during which the B post covers.
* `applicants` — applicants and their identity documents.
* `checks` — the field checks the others share.

Every action is keyword-only and one `transaction.atomic`. Import them from
`onewindow.org.services`.
"""
