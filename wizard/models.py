"""What the applicant's side stores: a Plan, computed once and kept with its version."""
import secrets
import unicodedata
from functools import cached_property

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from procedures import engine
from procedures.vocabulary import Outcome

# No 0/O, 1/I/L or U: easy to read aloud and to type from a printout.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 15  # 15 × log2(30) ≈ 73.6 bits of randomness
CODE_GROUP = 5


def new_reference_code():
    """Return a fresh random reference code (not yet checked for uniqueness)."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(text):
    """Return the stored form of a code as someone typed it (dashes, spaces, lower case, full width)."""
    return "".join(ch for ch in unicodedata.normalize("NFKC", str(text)).upper() if ch.isalnum())


def format_code(code):
    """Return the code in groups of five, as printed: 7KQ2M-X9TAB-4HN3C."""
    return "-".join(code[i:i + CODE_GROUP] for i in range(0, len(code), CODE_GROUP))


class Plan(models.Model):
    """A personalised checklist and timeline, as computed when the wizard was finished."""

    class Channel(models.TextChoices):
        WEB = "web", _("申请人自助")
        STAFF = "staff", _("工作人员代办")
        COMMAND = "command", _("命令行")

    code = models.CharField(_("查询码"), max_length=CODE_LENGTH, unique=True, editable=False)
    answers = models.JSONField(_("答案"))
    procedure = models.ForeignKey(
        "procedures.Procedure", on_delete=models.PROTECT, related_name="plans", verbose_name=_("流程版本"))
    procedure_slug = models.CharField(_("流程标识"), max_length=64)
    procedure_version = models.PositiveIntegerField(_("流程版本号"))
    outcome = models.CharField(_("办理结论"), max_length=24, choices=Outcome.choices)
    result = models.JSONField(_("计算结果"))
    computed_for = models.DateField(_("计算所用的日期"))
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True, db_index=True)
    channel = models.CharField(_("来源"), max_length=10, choices=Channel.choices, default=Channel.WEB)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("创建人"))

    class Meta:
        verbose_name = _("办事计划")
        verbose_name_plural = _("办事计划")
        ordering = ["-created_at"]

    def __str__(self):
        return self.display_code

    def get_absolute_url(self):
        return reverse("wizard:plan", kwargs={"code": self.code})

    @property
    def display_code(self):
        return format_code(self.code)

    @cached_property
    def computed(self):
        """Return the stored result as the engine's typed plan (read this, never ``result`` itself)."""
        return engine.Plan.from_json(self.result)
