"""Admin pages of the portal's accounts and codes: portal accounts, verification codes, binding
codes and the window's binding changes. All read-only (only `org.accounts` writes them) and
scoped by the access rules (`org.access`: accounts and binding codes as their applicant, binding
changes by the center they were made at, verification codes, which belong to no center, by
superusers only). A code is never shown: a verification code is stored as a digest only, a
binding code is shown by the start of its digest and its state; numbers are masked.

Imported by `org.admin` (one line), so the registrations happen at admin autodiscovery.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import admin
from django.db.models import OuterRef, QuerySet, Subquery
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from onewindow.core import clock
from onewindow.core.fields import mask_name, personal_digests
from onewindow.core.serviceadmin import ViewOnlyMixin
from onewindow.core.validators import normalise_mobile
from onewindow.org.adminscope import ScopedAdminMixin, ScopedRelatedFilter
from onewindow.org.models import Applicant, BindingChange, BindingCode, MobileCode, PortalAccount

if TYPE_CHECKING:
    _ModelAdmin = admin.ModelAdmin[Any]
else:  # the admin classes are not generic at run time
    _ModelAdmin = admin.ModelAdmin

DIGEST_SHOWN = 12


def digest_label(digest: str) -> str:
    """The start of a keyed digest: enough to tell two rows apart, nothing to type."""
    return f"{digest[:DIGEST_SHOWN]}…" if digest else ""


def code_state(code: MobileCode | BindingCode, *, revoked: bool = False, worn_out: bool = False) -> str:
    """A code's state in a word: revoked, used, too many wrong tries, expired or valid."""
    if revoked:
        return str(_("revoked"))
    if code.used_at is not None:
        return str(_("used"))
    if worn_out:
        return str(_("too many wrong tries"))
    if code.expires_at <= clock.now():
        return str(_("expired"))
    return str(_("valid"))


def applicant_label(applicant: Applicant | None) -> str:
    return mask_name(applicant.name) if applicant is not None else ""


class AccountAdmin(ViewOnlyMixin, ScopedAdminMixin, _ModelAdmin):
    """Read-only and scoped; 50 rows a page without the full count (the tables grow daily)."""

    list_per_page = 50
    show_full_result_count = False


@admin.register(PortalAccount)
class PortalAccountAdmin(AccountAdmin):
    """Citizens' and organisations' accounts (门户账号): the number masked, the applicant the account
    acts for (masked) and whether a code bound it. Search with an exact mobile number."""

    list_display = ["masked_mobile", "kind", "applicant", "verified_at", "created_at", "is_active"]
    list_filter = ["kind", ("verified_at", admin.EmptyFieldListFilter)]
    fields = ["masked_mobile", "kind", "applicant", "verified_at", "created_at", "is_active"]
    readonly_fields = fields
    search_fields = ["mobile_digest"]  # an exact number, through the digest (get_search_results)
    search_help_text = _("Search by an exact mobile number.")
    ordering = ["-created_at", "-pk"]
    date_hierarchy = "created_at"
    list_select_related = ["user"]

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Any], search_term: str
    ) -> tuple[QuerySet[Any], bool]:
        term = normalise_mobile("".join((search_term or "").split())[:32])
        if not term:
            return queryset, False
        return queryset.filter(mobile_digest__in=personal_digests(term)), False

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        # The applicant's name in the same query (a column per row would be a query per row).
        name = Applicant.objects.filter(user_id=OuterRef("user_id")).values("name")[:1]
        return super().get_queryset(request).annotate(applicant_name=Subquery(name))

    @admin.display(description=_("mobile phone"))
    def masked_mobile(self, obj: PortalAccount) -> str:
        return obj.masked_mobile

    @admin.display(description=_("applicant"))
    def applicant(self, obj: PortalAccount) -> str:
        return mask_name(getattr(obj, "applicant_name", None) or "")

    @admin.display(description=_("active"), boolean=True)
    def is_active(self, obj: PortalAccount) -> bool:
        return bool(obj.user.is_active)


@admin.register(MobileCode)
class MobileCodeAdmin(AccountAdmin):
    """Verification codes texted for sign-up and password reset (验证码). Only digests are stored:
    neither the code nor the number can be read here."""

    list_display = ["purpose", "number", "state", "tries", "created_at", "expires_at", "used_at"]
    list_filter = ["purpose"]
    fields = [
        "purpose",
        "number",
        "code_digest_label",
        "state",
        "tries",
        "created_at",
        "expires_at",
        "used_at",
    ]
    readonly_fields = fields
    ordering = ["-created_at", "-pk"]
    date_hierarchy = "created_at"

    @admin.display(description=_("number (digest)"))
    def number(self, obj: MobileCode) -> str:
        return digest_label(obj.mobile_digest)

    @admin.display(description=_("code (digest)"))
    def code_digest_label(self, obj: MobileCode) -> str:
        return digest_label(obj.code_digest)

    @admin.display(description=_("state"))
    def state(self, obj: MobileCode) -> str:
        from onewindow.org.accounts import CODE_TRIES

        return code_state(obj, worn_out=obj.tries >= CODE_TRIES)


@admin.register(BindingCode)
class BindingCodeAdmin(AccountAdmin):
    """Binding codes (绑定码) given at windows and printed on notices: whose, by whom, until when,
    used by which account, revoked by whom. The code itself is not shown (the slip is printed
    from the window's binding page)."""

    list_display = [
        "applicant_name",
        "code_digest_label",
        "state",
        "source",
        "issued_at",
        "expires_at",
        "used_at",
        "revoked_at",
    ]
    list_filter = [
        "source",
        ("used_at", admin.EmptyFieldListFilter),
        ("revoked_at", admin.EmptyFieldListFilter),
    ]
    fields = [
        "applicant_name",
        "code_digest_label",
        "state",
        "source",
        "issued_by",
        "issued_at",
        "expires_at",
        "used_at",
        "used_by_account",
        "revoked_at",
        "revoked_by",
    ]
    readonly_fields = fields
    ordering = ["-issued_at", "-pk"]
    date_hierarchy = "issued_at"
    list_select_related = ["applicant"]

    @admin.display(description=_("applicant"))
    def applicant_name(self, obj: BindingCode) -> str:
        return applicant_label(obj.applicant)

    @admin.display(description=_("code (digest)"))
    def code_digest_label(self, obj: BindingCode) -> str:
        return digest_label(obj.code_digest)

    @admin.display(description=_("used by"))
    def used_by_account(self, obj: BindingCode) -> str:
        return obj.used_by.masked_mobile if obj.used_by is not None else ""

    @admin.display(description=_("state"))
    def state(self, obj: BindingCode) -> str:
        return code_state(obj, revoked=obj.revoked_at is not None)


@admin.register(BindingChange)
class BindingChangeAdmin(AccountAdmin):
    """The window's binding changes (绑定变更记录): codes revoked and issued anew, accounts unbound;
    who, at which center, when and why. A center's supervisors see the changes made at their
    centers."""

    list_display = ["at", "kind", "applicant_name", "account_label", "center", "actor_name", "reason"]
    list_filter = ["kind", ("center", ScopedRelatedFilter)]
    search_fields = ["actor_name", "actor__username", "reason"]
    fields = ["at", "kind", "applicant_name", "account_label", "center", "actor", "actor_name", "reason"]
    readonly_fields = fields
    ordering = ["-at", "-pk"]
    date_hierarchy = "at"
    list_select_related = ["applicant", "center", "actor"]

    @admin.display(description=_("applicant"))
    def applicant_name(self, obj: BindingChange) -> str:
        return applicant_label(obj.applicant)
