"""The catalog: what a center's applicants can apply for, and the standard guide of each item.

An item's guide lives on immutable `ServiceItemVersion`s: editing makes a draft, publishing
freezes it, and a case pins the version it was accepted under. Materials, form fields and
the procedure hang off the version, so they freeze with it.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from onewindow.org.models import Department, Role, Sector, ServiceCenter

CODE_MAX_LENGTH = 64
"""实施编码 as provinces publish them: 50–60 characters with hyphens are the norm."""
item_code_validator = RegexValidator(
    r"^[0-9A-Za-z][0-9A-Za-z-]{3,63}$",
    _("A code is 4–64 characters: letters, digits and '-', starting with a letter or digit."),
)
field_key_validator = RegexValidator(
    r"^[a-z][a-z0-9_]{0,49}$", _("A field key is lower-case letters, digits and '_', starting with a letter.")
)


LONG_TEXT_MAX_LENGTH = 10_000
"""The legal basis and the conditions of a guide quote laws at length; other texts without a
length of their own take the input layer's 2,000 characters."""


class Category(models.TextChoices):
    LICENSING = "licensing", _("administrative licensing")
    CONFIRMATION = "confirmation", _("administrative confirmation")
    PAYMENT = "payment", _("administrative payment")
    LEVY = "levy", _("administrative levy")
    REWARD = "reward", _("administrative reward")
    ADJUDICATION = "adjudication", _("administrative adjudication")
    OTHER_POWER = "other_power", _("other administrative power")
    PUBLIC_SERVICE = "public_service", _("public service")


class CaseKind(models.TextChoices):
    IMMEDIATE = "immediate", _("immediate case")
    PROMISED = "promised", _("promised case")
    JOINT = "joint", _("joint case")
    REPORTED = "reported", _("reported case")


class LimitUnit(models.TextChoices):
    WORKING_DAYS = "working_days", _("working days")
    CALENDAR_DAYS = "calendar_days", _("calendar days")


class DeliveryMethod(models.TextChoices):
    PICKUP = "pickup", _("pickup at the window")
    MAIL = "mail", _("mail")
    ELECTRONIC = "electronic", _("electronic")


class ApplicantKinds(models.TextChoices):
    PERSON = "person", _("natural persons")
    ORGANISATION = "organisation", _("organisations")
    BOTH = "both", _("natural persons and organisations")


class MainItem(models.Model):
    """A main item (主项) of a published catalog: the named group of the sub-items (子项,
    办理项) that applicants actually apply for.

    One level only, by construction: a main item is not a `ServiceItem` (it has no guide,
    no versions and no main item of its own), and a sub-item names at most one main item of
    its own center. Its code is unique in the center whatever its case."""

    center = models.ForeignKey(
        ServiceCenter, verbose_name=_("center"), on_delete=models.PROTECT, related_name="main_items"
    )
    code = models.CharField(_("main item code"), max_length=CODE_MAX_LENGTH, validators=[item_code_validator])
    name = models.CharField(_("name"), max_length=200)

    class Meta:
        ordering = ["center", "code"]
        verbose_name = _("main item")
        verbose_name_plural = _("main items")
        constraints = [
            models.UniqueConstraint(
                "center",
                Lower("code"),
                name="main_item_code_unique_in_center_ci",
                violation_error_message=_(
                    "This center already has a main item with this code (in any case)."
                ),
            )
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"


class ServiceItem(models.Model):
    """One service the center provides (a sub-item when it names a main item). The stable
    identity; the guide is on its versions. The code is unique across all centers whatever
    its case: an 实施编码 names the body that implements the item."""

    center = models.ForeignKey(
        ServiceCenter, verbose_name=_("center"), on_delete=models.PROTECT, related_name="items"
    )
    code = models.CharField(
        _("item code"), max_length=CODE_MAX_LENGTH, db_index=True, validators=[item_code_validator]
    )
    name = models.CharField(_("name"), max_length=200)
    # The name's pinyin initials (catalog.pinyin), written with the name: the intake search.
    pinyin_initials = models.CharField(_("pinyin initials"), max_length=200, blank=True, editable=False)
    # The name's full pinyin (catalog.pinyin), written with the initials: the portal search.
    pinyin_full = models.CharField(_("pinyin"), max_length=1200, blank=True, editable=False)
    main_item = models.ForeignKey(
        MainItem,
        verbose_name=_("main item"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sub_items",
        help_text=_("The main item (主项) this sub-item belongs to; empty for an item without sub-items."),
    )
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    department = models.ForeignKey(
        Department, verbose_name=_("responsible department"), on_delete=models.PROTECT, related_name="items"
    )
    sector = models.ForeignKey(
        Sector,
        verbose_name=_("sector"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="items",
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("service item")
        verbose_name_plural = _("service items")
        indexes = [
            models.Index(fields=["center", "category"]),
            models.Index(fields=["center", "sector"]),
            models.Index(fields=["center", "pinyin_initials"], name="item_center_pinyin"),
        ]
        constraints = [
            models.UniqueConstraint(
                Lower("code"),
                name="item_code_unique_ci",
                violation_error_message=_("An item with this code (in any case) already exists."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"


class ServiceItemVersion(models.Model):
    """The standard guide of an item at one point in time. Frozen once published."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        PUBLISHED = "published", _("published")
        RETIRED = "retired", _("retired")

    item = models.ForeignKey(
        ServiceItem, verbose_name=_("service item"), on_delete=models.PROTECT, related_name="versions"
    )
    number = models.PositiveIntegerField(_("version"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    case_kind = models.CharField(_("case kind"), max_length=12, choices=CaseKind.choices)
    applicant_kinds = models.CharField(
        _("who may apply"), max_length=16, choices=ApplicantKinds.choices, default=ApplicantKinds.BOTH
    )
    legal_basis = models.TextField(_("legal basis"), max_length=LONG_TEXT_MAX_LENGTH)
    conditions = models.TextField(_("conditions"), max_length=LONG_TEXT_MAX_LENGTH)
    limit_unit = models.CharField(
        _("limit unit"), max_length=16, choices=LimitUnit.choices, default=LimitUnit.WORKING_DAYS
    )
    legal_limit_days = models.PositiveSmallIntegerField(_("legal limit"), validators=[MaxValueValidator(365)])
    promised_limit_days = models.PositiveSmallIntegerField(
        _("promised limit"), validators=[MaxValueValidator(365)]
    )
    is_free = models.BooleanField(_("free of charge"), default=True)
    fee = models.TextField(_("fee standard"), blank=True)
    fee_basis = models.TextField(_("fee basis"), blank=True)
    where_to_apply = models.CharField(_("where to apply"), max_length=200, blank=True)
    office_hours = models.CharField(_("office hours"), max_length=200, blank=True)
    consult_phone = models.CharField(_("consultation phone"), max_length=40, blank=True)
    complaint_phone = models.CharField(_("complaint phone"), max_length=40, blank=True)
    online_available = models.BooleanField(_("can be applied for online"), default=False)
    max_visits = models.PositiveSmallIntegerField(
        _("visits needed"),
        default=1,
        validators=[MaxValueValidator(1)],
        help_text=_("0 or 1 visit to the hall."),
    )
    delivery_methods = models.JSONField(_("delivery methods"), default=list)
    result_name = models.CharField(_("result document"), max_length=100, blank=True)
    result_licence_type = models.CharField(
        _("e-licence type issued"),
        max_length=40,
        blank=True,
        help_text=_("Code of the e-licence type the result is issued as."),
    )
    keywords = models.CharField(
        _("search keywords"),
        max_length=500,
        blank=True,
        help_text=_("Other words applicants use for this item, separated by spaces or commas."),
    )
    faq = models.TextField(
        _("common questions"),
        max_length=LONG_TEXT_MAX_LENGTH,
        blank=True,
        help_text=_("Questions applicants often ask, each as a line “问：…” followed by a line “答：…”."),
    )
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )

    class Meta:
        ordering = ["item", "-number"]
        verbose_name = _("service item version")
        verbose_name_plural = _("service item versions")
        constraints = [
            models.UniqueConstraint(fields=["item", "number"], name="version_number_unique"),
            models.UniqueConstraint(
                fields=["item"], condition=models.Q(status="draft"), name="one_draft_per_item"
            ),
            models.UniqueConstraint(
                fields=["item"], condition=models.Q(status="published"), name="one_published_per_item"
            ),
            models.CheckConstraint(
                condition=models.Q(promised_limit_days__lte=models.F("legal_limit_days")),
                name="promised_within_legal",
            ),
            models.CheckConstraint(
                condition=~models.Q(case_kind="immediate")
                | models.Q(promised_limit_days=0, legal_limit_days=0),
                name="immediate_has_no_days",
            ),
            models.CheckConstraint(condition=models.Q(max_visits__lte=1), name="at_most_one_visit"),
        ]

    def __str__(self) -> str:
        return f"{self.item.name} v{self.number}"

    @property
    def is_frozen(self) -> bool:
        return self.status != self.Status.DRAFT


class SituationQuestion(models.Model):
    """A 情形 question of a version's guide (首次申请还是变更？个人还是企业？): its answer picks
    which materials apply. `choices` is a list of `{"code": …, "label": …}`; the rules
    (at least two choices, at most a few questions, codes unique) are `catalog.situations`."""

    version = models.ForeignKey(
        ServiceItemVersion, verbose_name=_("item version"), on_delete=models.CASCADE, related_name="questions"
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    code = models.CharField(_("question code"), max_length=40, validators=[field_key_validator])
    text = models.CharField(_("question"), max_length=200)
    choices = models.JSONField(_("choices"), default=list)

    class Meta:
        ordering = ["version", "order", "id"]
        verbose_name = _("situation question")
        verbose_name_plural = _("situation questions")
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="situation_code_unique_in_version")
        ]

    def __str__(self) -> str:
        return self.text


class MaterialRequirement(models.Model):
    """One document an applicant brings (申请材料).

    `applies_when` ({question code: [choice codes]}) limits it to some 情形: it applies when
    every question it names was answered with one of the listed choices; empty = always.
    `commitment_allowed` (告知承诺制): the applicant may sign a written commitment instead."""

    class Form(models.TextChoices):
        ORIGINAL = "original", _("original")
        COPY = "copy", _("copy")
        ORIGINAL_AND_COPY = "original_and_copy", _("original and copy")

    class Medium(models.TextChoices):
        PAPER = "paper", _("paper")
        ELECTRONIC = "electronic", _("electronic")
        EITHER = "either", _("paper or electronic")

    class Source(models.TextChoices):
        APPLICANT = "applicant", _("provided by the applicant")
        SHARED = "shared", _("shared materials")
        LICENCE = "licence", _("e-licence")

    version = models.ForeignKey(
        ServiceItemVersion, verbose_name=_("item version"), on_delete=models.CASCADE, related_name="materials"
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    code = models.CharField(_("material code"), max_length=40, validators=[field_key_validator])
    name = models.CharField(_("name"), max_length=200)
    form = models.CharField(_("original or copy"), max_length=20, choices=Form.choices, default=Form.ORIGINAL)
    copies = models.PositiveSmallIntegerField(_("copies"), default=1, validators=[MinValueValidator(1)])
    medium = models.CharField(_("medium"), max_length=12, choices=Medium.choices, default=Medium.EITHER)
    required = models.BooleanField(_("required"), default=True)
    tolerable = models.BooleanField(
        _("tolerable (may follow)"),
        default=False,
        help_text=_("容缺: the case may be accepted while this follows later."),
    )
    tolerance_days = models.PositiveSmallIntegerField(
        _("days to hand in a tolerated material"), default=5, validators=[MaxValueValidator(60)]
    )
    source = models.CharField(_("source"), max_length=12, choices=Source.choices, default=Source.APPLICANT)
    licence_type = models.CharField(_("e-licence type"), max_length=40, blank=True)
    template = models.FileField(_("template file"), upload_to="material-templates/", blank=True)
    sample = models.FileField(
        _("filled-in sample"),
        upload_to="material-samples/",
        blank=True,
        help_text=_("A filled-in example of the template, shown to applicants beside it."),
    )
    notes = models.TextField(_("notes"), blank=True)
    applies_when = models.JSONField(
        _("applies when"),
        default=dict,
        blank=True,
        help_text=_(
            "The situations (情形) the material applies under: question code → choice codes; empty = always."
        ),
    )
    commitment_allowed = models.BooleanField(
        _("commitment allowed (告知承诺)"),
        default=False,
        help_text=_("The applicant may sign a written commitment instead of bringing this material."),
    )

    class Meta:
        ordering = ["version", "order", "id"]
        verbose_name = _("material requirement")
        verbose_name_plural = _("material requirements")
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="material_code_unique_in_version"),
            models.CheckConstraint(
                condition=~models.Q(tolerable=True, required=False), name="tolerable_is_required"
            ),
            models.CheckConstraint(
                condition=~models.Q(source="licence") | ~models.Q(licence_type=""),
                name="licence_source_names_type",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class FormField(models.Model):
    """A field of the application form. A bundle's unified form asks each key once."""

    class Kind(models.TextChoices):
        TEXT = "text", _("text")
        NUMBER = "number", _("number")
        DATE = "date", _("date")
        CHOICE = "choice", _("choice")
        BOOLEAN = "boolean", _("yes or no")

    version = models.ForeignKey(
        ServiceItemVersion,
        verbose_name=_("item version"),
        on_delete=models.CASCADE,
        related_name="form_fields",
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    key = models.CharField(_("key"), max_length=50, validators=[field_key_validator])
    label = models.CharField(_("label"), max_length=100)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.TEXT)
    required = models.BooleanField(_("required"), default=True)
    choices = models.JSONField(_("choices"), default=list, blank=True)
    personal = models.BooleanField(
        _("personal data"),
        default=False,
        help_text=_("The answer is personal information of the applicant (个人信息)."),
    )

    class Meta:
        ordering = ["version", "order", "id"]
        verbose_name = _("form field")
        verbose_name_plural = _("form fields")
        constraints = [
            models.UniqueConstraint(fields=["version", "key"], name="form_field_key_unique_in_version")
        ]

    def __str__(self) -> str:
        return self.label


class Procedure(models.Model):
    """The handling procedure of a version: ordered stages of parallel tasks."""

    version = models.OneToOneField(
        ServiceItemVersion, verbose_name=_("item version"), on_delete=models.CASCADE, related_name="procedure"
    )
    name = models.CharField(_("name"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("procedure")
        verbose_name_plural = _("procedures")

    def __str__(self) -> str:
        return self.name or str(self.version)


class Stage(models.Model):
    """One step of a procedure; its tasks run in parallel (并联) and all must finish."""

    procedure = models.ForeignKey(
        Procedure, verbose_name=_("procedure"), on_delete=models.CASCADE, related_name="stages"
    )
    order = models.PositiveSmallIntegerField(_("order"))
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        ordering = ["procedure", "order"]
        verbose_name = _("stage")
        verbose_name_plural = _("stages")
        constraints = [models.UniqueConstraint(fields=["procedure", "order"], name="stage_order_unique")]

    def __str__(self) -> str:
        return self.name


class StageTask(models.Model):
    """A piece of back-office work in a stage, done by one department."""

    class Action(models.TextChoices):
        REVIEW = "review", _("review")
        VERIFY = "verify", _("verify")
        INSPECT = "inspect", _("site inspection")
        DECIDE = "decide", _("decide")

    stage = models.ForeignKey(Stage, verbose_name=_("stage"), on_delete=models.CASCADE, related_name="tasks")
    name = models.CharField(_("name"), max_length=100)
    action = models.CharField(_("action"), max_length=12, choices=Action.choices, default=Action.REVIEW)
    department = models.ForeignKey(
        Department, verbose_name=_("department"), on_delete=models.PROTECT, related_name="stage_tasks"
    )
    role = models.CharField(_("role"), max_length=24, choices=Role.choices, default=Role.APPROVER)
    limit_days = models.PositiveSmallIntegerField(
        _("limit (working days)"), default=1, validators=[MaxValueValidator(365)]
    )

    class Meta:
        ordering = ["stage", "id"]
        verbose_name = _("stage task")
        verbose_name_plural = _("stage tasks")

    def __str__(self) -> str:
        return self.name


class CatalogList(models.Model):
    """A published list of items (清单)."""

    class Kind(models.TextChoices):
        LICENSING = "licensing", _("administrative licensing list")
        POWER = "power", _("administrative power list")
        RESPONSIBILITY = "responsibility", _("government responsibility list")
        PUBLIC_SERVICE = "public_service", _("public service list")
        INTERMEDIARY_FEE = "intermediary_fee", _("intermediary fee list")
        ONE_TIME_DONE = "one_time_done", _("done-in-one-visit list")

    center = models.ForeignKey(
        ServiceCenter, verbose_name=_("center"), on_delete=models.PROTECT, related_name="catalog_lists"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=200)
    published_on = models.DateField(_("published on"), null=True, blank=True)
    items = models.ManyToManyField(
        ServiceItem, verbose_name=_("items"), blank=True, related_name="catalog_lists"
    )

    class Meta:
        ordering = ["center", "kind", "name"]
        verbose_name = _("catalog list")
        verbose_name_plural = _("catalog lists")
        constraints = [models.UniqueConstraint(fields=["center", "name"], name="catalog_list_name_unique")]

    def __str__(self) -> str:
        return self.name


class Bundle(models.Model):
    """Several items applied for together with one unified form (一件事)."""

    center = models.ForeignKey(
        ServiceCenter, verbose_name=_("center"), on_delete=models.PROTECT, related_name="bundles"
    )
    code = models.CharField(
        _("bundle code"), max_length=CODE_MAX_LENGTH, db_index=True, validators=[item_code_validator]
    )
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("bundle")
        verbose_name_plural = _("bundles")
        constraints = [
            models.UniqueConstraint(
                Lower("code"),
                name="bundle_code_unique_ci",
                violation_error_message=_("A bundle with this code (in any case) already exists."),
            )
        ]

    def __str__(self) -> str:
        return self.name


class BundleItem(models.Model):
    bundle = models.ForeignKey(
        Bundle, verbose_name=_("bundle"), on_delete=models.CASCADE, related_name="bundle_items"
    )
    item = models.ForeignKey(
        ServiceItem, verbose_name=_("service item"), on_delete=models.PROTECT, related_name="bundle_items"
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["bundle", "order"]
        verbose_name = _("bundle item")
        verbose_name_plural = _("bundle items")
        constraints = [models.UniqueConstraint(fields=["bundle", "item"], name="bundle_item_unique")]

    def __str__(self) -> str:
        return str(self.item)


class SearchKey(models.Model):
    """One search key of an item the portal can show: an n-gram of its normalised name,
    keywords, full pinyin, pinyin initials or code (`catalog.search` says which and how).

    Written only by `catalog.search.search_keys_refresh`, which the catalog services and the
    import call whenever an item's name, activity or published version changes; an item the
    portal must not show (inactive, nothing published) has no keys. The (key, item) index
    makes a search one index range scan per key (docs/decisions/0020-service-search.md)."""

    item = models.ForeignKey(
        ServiceItem, verbose_name=_("service item"), on_delete=models.CASCADE, related_name="search_keys"
    )
    key = models.CharField(_("search key"), max_length=80)

    class Meta:
        verbose_name = _("search key")
        verbose_name_plural = _("search keys")
        indexes = [models.Index(fields=["key", "item"], name="search_key_key_item")]
        constraints = [models.UniqueConstraint(fields=["item", "key"], name="search_key_unique_in_item")]

    def __str__(self) -> str:
        return self.key
