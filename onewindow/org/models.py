from django.conf import settings
from django.contrib.auth.models import Group
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from onewindow.core.fields import EncryptedTextField, mask_id_number, mask_phone
from onewindow.core.inputs import DocumentKind

region_code_validator = RegexValidator(r"^\d{12}$", _("A division code has exactly 12 digits."))
short_code_validator = RegexValidator(
    r"^[A-Z0-9][A-Z0-9_-]{0,31}$", _("Use upper-case letters, digits, '-' or '_' (at most 32).")
)


class Region(models.Model):
    """A node of the administrative tree, keyed by the 12-digit statistical division code."""

    class Level(models.IntegerChoices):
        PROVINCE = 1, _("province")
        CITY = 2, _("city")
        COUNTY = 3, _("county")
        TOWNSHIP = 4, _("township")
        VILLAGE = 5, _("village")
        GROUP = 6, _("group")

    code = models.CharField(
        _("division code"), max_length=12, unique=True, validators=[region_code_validator]
    )
    name = models.CharField(_("name"), max_length=100)
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        constraints = [
            models.CheckConstraint(condition=models.Q(level__gte=1, level__lte=6), name="region_level_range"),
        ]

    def __str__(self) -> str:
        return self.name


class ServiceCenter(models.Model):
    """A hall of the four-level network: county/city hall, sub-center, township center, village station."""

    class Tier(models.TextChoices):
        CITY = "city", _("city service center")
        COUNTY = "county", _("county service center")
        SUB_CENTER = "sub_center", _("sub-center")
        TOWNSHIP = "township", _("township convenience center")
        VILLAGE = "village", _("village convenience station")
        POINT = "point", _("convenience point")

    code = models.CharField(_("center code"), max_length=32, unique=True, validators=[short_code_validator])
    name = models.CharField(_("name"), max_length=100)
    tier = models.CharField(_("tier"), max_length=16, choices=Tier.choices)
    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="centers"
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("upper center"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        help_text=_("The hall a sub-center belongs to, or the center one tier up."),
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    phone = models.CharField(_("consultation phone"), max_length=40, blank=True)
    opening_hours = models.CharField(_("opening hours"), max_length=200, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    # The ids from the top of the tree down to this center, "/1/5/23/": the centers below
    # are one indexed prefix query (`org.access`). Kept by the services that create and move
    # centers (`center_create`, `center_update`, `center_paths_rebuild`), never by hand.
    path = models.CharField(_("tree path"), max_length=255, blank=True, default="", editable=False)

    class Meta:
        ordering = ["code"]
        verbose_name = _("service center")
        verbose_name_plural = _("service centers")
        indexes = [
            # varchar_pattern_ops serves `path LIKE '/1/5/%'` on PostgreSQL under any collation;
            # other databases ignore the operator class and get a plain index.
            models.Index(fields=["path"], name="center_path_prefix", opclasses=["varchar_pattern_ops"]),
        ]

    def __str__(self) -> str:
        return self.name


class Department(models.Model):
    """A government department resident in a center (进驻部门)."""

    center = models.ForeignKey(
        ServiceCenter, verbose_name=_("center"), on_delete=models.PROTECT, related_name="departments"
    )
    code = models.CharField(_("code"), max_length=32, validators=[short_code_validator])
    name = models.CharField(_("name"), max_length=100)
    short_name = models.CharField(_("short name"), max_length=40, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["center", "code"]
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        constraints = [
            models.UniqueConstraint(fields=["center", "code"], name="department_code_unique_in_center")
        ]

    def __str__(self) -> str:
        return self.name


class Sector(models.Model):
    """A back-office service sector (服务板块) grouping items and the intake windows serving them."""

    center = models.ForeignKey(
        ServiceCenter, verbose_name=_("center"), on_delete=models.PROTECT, related_name="sectors"
    )
    code = models.CharField(_("code"), max_length=32, validators=[short_code_validator])
    name = models.CharField(_("name"), max_length=100)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["center", "order", "code"]
        verbose_name = _("sector")
        verbose_name_plural = _("sectors")
        constraints = [
            models.UniqueConstraint(fields=["center", "code"], name="sector_code_unique_in_center")
        ]

    def __str__(self) -> str:
        return self.name


class Window(models.Model):
    """A counter in the hall."""

    class Kind(models.TextChoices):
        INTAKE = "intake", _("comprehensive intake")
        PICKUP = "pickup", _("unified pickup")
        DEDICATED = "dedicated", _("dedicated window")

    center = models.ForeignKey(
        ServiceCenter, verbose_name=_("center"), on_delete=models.PROTECT, related_name="windows"
    )
    number = models.CharField(_("window number"), max_length=16)
    name = models.CharField(_("name"), max_length=100, blank=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    sectors = models.ManyToManyField(
        Sector, verbose_name=_("sectors served"), blank=True, related_name="windows"
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="windows",
        help_text=_("For a dedicated window: the department staffing it."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["center", "number"]
        verbose_name = _("window")
        verbose_name_plural = _("windows")
        constraints = [
            models.UniqueConstraint(fields=["center", "number"], name="window_number_unique_in_center")
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.name}".strip()


class Role(models.TextChoices):
    """Staff roles; each is a Django group of the same name carrying its permissions."""

    CENTER_ADMIN = "center_admin", _("center administrator")
    SUPERVISOR = "supervisor", _("supervisor")
    INTAKE_CLERK = "intake_clerk", _("intake clerk")
    APPROVER = "approver", _("approver")
    CHIEF_REPRESENTATIVE = "chief_representative", _("chief representative")
    PICKUP_CLERK = "pickup_clerk", _("pickup clerk")
    PROXY_AGENT = "proxy_agent", _("proxy agent")


class Staff(models.Model):
    """A person working in a center. Roles are the user's groups (see `Role`)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.PROTECT, related_name="staff"
    )
    center = models.ForeignKey(
        ServiceCenter, verbose_name=_("center"), on_delete=models.PROTECT, related_name="staff"
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff",
    )
    window = models.ForeignKey(
        Window,
        verbose_name=_("usual window"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="staff",
    )
    name = models.CharField(_("name"), max_length=50)
    employee_number = models.CharField(_("employee number"), max_length=32, blank=True)
    mobile = EncryptedTextField(_("mobile phone"), blank=True)
    backup = models.ForeignKey(
        "self",
        verbose_name=_("backup (B post)"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="backs_up",
        help_text=_("Who covers this person's work when absent (AB post)."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    # Set when an administrator issues a temporary password (`staff_password_issue`), cleared
    # when the person chooses their own (`staff_password_change`): until then every workbench
    # and admin page leads to the password page (workbench.password.PasswordChangeRequired).
    password_change_required = models.BooleanField(_("must choose a new password"), default=False)

    class Meta:
        ordering = ["center", "name"]
        verbose_name = _("staff member")
        verbose_name_plural = _("staff")
        constraints = [
            models.CheckConstraint(condition=~models.Q(backup=models.F("id")), name="staff_not_own_backup"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def roles(self) -> set[str]:
        # Served from the prefetch cache when the selector prefetched user__groups. Groups
        # that are not roles (added by hand in the admin) are not roles.
        return {g.name for g in self.user.groups.all() if g.name in Role.values}

    def has_role(self, role: str) -> bool:
        return role in self.roles

    @property
    def role_labels(self) -> list[str]:
        """The roles' names in the reader's language, in the order of `Role`."""
        roles = self.roles
        return [str(label) for value, label in Role.choices if value in roles]

    @property
    def masked_mobile(self) -> str:
        return mask_phone(self.mobile)


class StaffAbsence(models.Model):
    """A period a staff member (the A post) is away: leave, training, a business trip.

    While it runs, the B post (`Staff.backup`) may act on the A post's tasks; outside it,
    nobody but the A post may. The period is half-open, [starts_at, ends_at): the A post is
    back at `ends_at`. Written only by the services (`staff_absence_create`, `_end`,
    `_cancel`), which check who may set it; ending early shortens `ends_at` and records
    `ended_by`, so the period that was really covered stays on record."""

    staff = models.ForeignKey(
        Staff,
        verbose_name=_("staff member"),
        on_delete=models.PROTECT,
        related_name="absences",
        db_index=False,  # the (staff, ends_at, starts_at) index leads with it
    )
    starts_at = models.DateTimeField(_("absent from"))
    ends_at = models.DateTimeField(_("back at"))
    reason = models.CharField(_("reason"), max_length=200)
    set_by = models.ForeignKey(Staff, verbose_name=_("set by"), on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("recorded at"))
    ended_by = models.ForeignKey(
        Staff,
        verbose_name=_("ended early by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        ordering = ["-starts_at", "-pk"]
        verbose_name = _("staff absence")
        verbose_name_plural = _("staff absences")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="staff_absence_ends_after_start"
            ),
        ]
        # `staff_absent` asks "staff = ? AND ends_at > at AND starts_at <= at": the range on
        # ends_at skips the staff member's past absences, starts_at is read from the index.
        indexes = [models.Index(fields=["staff", "ends_at", "starts_at"], name="staff_absence_lookup")]

    def __str__(self) -> str:
        return f"{self.staff} {self.starts_at:%Y-%m-%d %H:%M}–{self.ends_at:%Y-%m-%d %H:%M}"


class StaffPasswordIssue(models.Model):
    """A temporary password an administrator issued to a member of staff: who, to whom, when.
    Append-only (written by `staff_password_issue`); the password itself is never stored here."""

    staff = models.ForeignKey(
        Staff,
        verbose_name=_("staff member"),
        on_delete=models.PROTECT,
        related_name="password_issues",
        db_index=False,  # (staff, -issued_at) leads with it
    )
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("issued by"), on_delete=models.PROTECT, related_name="+"
    )
    issued_by_name = models.CharField(_("issued by (name)"), max_length=150)
    issued_at = models.DateTimeField(_("issued at"))

    class Meta:
        ordering = ["-issued_at", "-pk"]
        verbose_name = _("temporary password issued")
        verbose_name_plural = _("temporary passwords issued")
        indexes = [models.Index(fields=["staff", "-issued_at"], name="staff_password_issue_recent")]

    def __str__(self) -> str:
        return f"{self.staff} {self.issued_at:%Y-%m-%d %H:%M}"


class Applicant(models.Model):
    """Who applies: a natural person or an organisation. Personal fields are encrypted at rest."""

    class Kind(models.TextChoices):
        PERSON = "person", _("natural person")
        ORGANISATION = "organisation", _("legal person or other organisation")

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=200)
    # A person's identity document: the resident ID card unless they carry another kind
    # (core.inputs.DocumentKind); the number is kept encrypted, found by its digest.
    document_kind = models.CharField(
        _("identity document"), max_length=20, choices=DocumentKind.choices, default=DocumentKind.RESIDENT_ID
    )
    id_number = EncryptedTextField(_("identity document number"), blank=True)
    id_number_digest = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    uscc = models.CharField(_("unified social credit code"), max_length=18, blank=True, db_index=True)
    legal_representative = models.CharField(_("legal representative"), max_length=50, blank=True)
    mobile = EncryptedTextField(_("mobile phone"), blank=True)
    # The mobile number's blind index (the pickup window finds an applicant by it); not
    # unique: family members and a company's agents share numbers.
    mobile_digest = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    email = models.EmailField(_("email"), blank=True)
    address = EncryptedTextField(_("address"), blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("portal account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="applicant",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("applicant")
        verbose_name_plural = _("applicants")
        constraints = [
            models.UniqueConstraint(
                fields=["id_number_digest"],
                condition=models.Q(kind="person") & ~models.Q(id_number_digest=""),
                name="applicant_person_unique_id",
            ),
            models.UniqueConstraint(
                fields=["uscc"],
                condition=models.Q(kind="organisation") & ~models.Q(uscc=""),
                name="applicant_organisation_unique_uscc",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.id_number)

    @property
    def masked_mobile(self) -> str:
        return mask_phone(self.mobile)


class PortalAccount(models.Model):
    """A sign-in on the citizen portal (网上办事大厅), for a person or an organisation.

    The Django user holds the password (argon2) under a generated username; people sign in with
    their mobile number, found by its blind index (`mobile_digest`, unique: one account per
    number). The account acts for at most one applicant (`Applicant.user`). It sees every case of
    that applicant, from every channel, only once `verified_at` is set by a binding code that a
    window gives or a notice prints (`org.accounts.account_bind`); until then it sees only the
    applications it filed itself, so nobody can claim another person's ID number and read their
    cases (docs/decisions/0019-portal-accounts.md)."""

    class Kind(models.TextChoices):
        PERSON = "person", _("natural person")
        ORGANISATION = "organisation", _("legal person or other organisation")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="portal_account",
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.PERSON)
    mobile = EncryptedTextField(_("mobile phone"))
    mobile_digest = models.CharField(max_length=64, unique=True, editable=False)
    verified_at = models.DateTimeField(_("bound with a code at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("portal account")
        verbose_name_plural = _("portal accounts")

    def __str__(self) -> str:
        return self.masked_mobile

    @property
    def masked_mobile(self) -> str:
        return mask_phone(self.mobile)


class MobileCode(models.Model):
    """A six-digit code texted to a mobile number to prove the person holds it (sign-up, password
    reset). Only its keyed digest is stored; it is valid `org.accounts.CODE_MINUTES` minutes, for
    `CODE_TRIES` wrong tries, and used once. A newer code for the same number and purpose
    replaces the older one."""

    class Purpose(models.TextChoices):
        SIGNUP = "signup_code", _("sign-up")
        RESET = "reset_code", _("password reset")

    mobile_digest = models.CharField(max_length=64, editable=False)
    purpose = models.CharField(_("purpose"), max_length=16, choices=Purpose.choices)
    code_digest = models.CharField(max_length=64, editable=False)
    tries = models.PositiveSmallIntegerField(_("wrong tries"), default=0)
    created_at = models.DateTimeField(_("created at"))
    expires_at = models.DateTimeField(_("expires at"))
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("verification code")
        verbose_name_plural = _("verification codes")
        indexes = [
            models.Index(fields=["mobile_digest", "purpose", "-created_at"], name="org_mobilecode_latest")
        ]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} @ {self.created_at:%Y-%m-%d %H:%M}"


class BindingCode(models.Model):
    """A code that binds a portal account to an applicant (绑定码): given at a window (a printed
    slip) or printed on the applicant's acceptance and one-time notices. Whoever holds it is
    taken to be the applicant, so it is single use and expires. The code is kept encrypted (a
    reprinted notice prints the same code while it is valid) and found by its keyed digest
    (unique). `org.accounts.account_bind` uses it (docs/decisions/0024-binding-codes-and-sms.md)."""

    class Source(models.TextChoices):
        WINDOW = "window", _("window")
        NOTICE = "notice", _("notice")

    applicant = models.ForeignKey(
        Applicant, verbose_name=_("applicant"), on_delete=models.CASCADE, related_name="binding_codes"
    )
    code = EncryptedTextField(_("code"))
    code_digest = models.CharField(max_length=64, unique=True, editable=False)
    source = models.CharField(_("given by"), max_length=12, choices=Source.choices)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    issued_at = models.DateTimeField(_("issued at"))
    expires_at = models.DateTimeField(_("expires at"))
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)
    used_by = models.ForeignKey(
        PortalAccount,
        verbose_name=_("used by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Revoked at a window (lost or leaked slip): binds nothing, as if it never existed.
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("revoked by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("binding code")
        verbose_name_plural = _("binding codes")
        indexes = [models.Index(fields=["applicant", "-expires_at"], name="org_bindingcode_current")]

    def __str__(self) -> str:
        return f"{self.applicant} · {self.issued_at:%Y-%m-%d}"


class BindingChange(models.Model):
    """What a window did to an applicant's portal binding (绑定变更记录): revoked the binding code
    and issued a new one, or unbound the account. Who, at which center, when and why; append-only
    (written by `org.accounts.binding_code_reissue` and `account_unbind`), read in the admin by the
    center's supervisors. The account's number is kept masked only."""

    class Kind(models.TextChoices):
        REISSUE = "reissue", _("binding code revoked and issued anew")
        UNBIND = "unbind", _("account unbound")

    kind = models.CharField(_("what"), max_length=12, choices=Kind.choices)
    applicant = models.ForeignKey(
        Applicant, verbose_name=_("applicant"), on_delete=models.PROTECT, related_name="binding_changes"
    )
    account = models.ForeignKey(
        PortalAccount,
        verbose_name=_("portal account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    account_label = models.CharField(_("account (masked)"), max_length=32, blank=True)
    center = models.ForeignKey(
        ServiceCenter, verbose_name=_("center"), on_delete=models.PROTECT, related_name="+"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("done by"), on_delete=models.PROTECT, related_name="+"
    )
    actor_name = models.CharField(_("done by (name)"), max_length=150)
    reason = models.CharField(_("reason"), max_length=200)
    at = models.DateTimeField(_("time"))

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("binding change")
        verbose_name_plural = _("binding changes")
        indexes = [
            models.Index(fields=["applicant", "-at"], name="org_bindingchange_applicant"),
            models.Index(fields=["center", "-at"], name="org_bindingchange_center"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.at:%Y-%m-%d %H:%M}"


def role_groups() -> dict[str, Group]:
    return {g.name: g for g in Group.objects.filter(name__in=Role.values)}
