"""Catalog admin: items, versions with their guide, procedures, lists, bundles, and the
Excel/JSON import-export page (an import is a background job; its page follows it to the report).

Every write goes through the catalog services (`onewindow.catalog.services` and, for a
draft's materials, form fields, stages and tasks, `onewindow.catalog.drafts`; see
`onewindow.core.serviceadmin`): a refusal shows the service's Chinese message on the field
or inline row it names, and nothing is stored. A new item is created with its first draft
(`item_create`); further drafts come from the action "create new draft", and "publish"
freezes one. Published and retired versions (and everything hanging off them) are
read-only: `has_change_permission` is false for a frozen version. Items, versions,
procedures, lists and bundles are not deleted here (cases and applications point at them;
deactivate an item or bundle instead); a draft's parts are.

Django reads this module only (admin autodiscovery); the admin classes live by model family in
`adminbase` (what they share), `itemadmin` (items, main items, import-export), `versionadmin`
(versions and a draft's materials, form fields, questions), `procedureadmin` (stages and tasks)
and `listadmin` (lists and bundles), each registering its own models when imported here.
"""

from onewindow.catalog import (  # noqa: F401 (imported to register their admin classes)
    itemadmin,
    listadmin,
    procedureadmin,
    versionadmin,
)
