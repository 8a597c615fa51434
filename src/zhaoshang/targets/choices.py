from django.db import models
from django.utils.translation import gettext_lazy as _


class ScheduleBasis(models.TextChoices):
    """How schedule progress (时序进度) is measured: elapsed days, or completed months."""

    DAY = "day", _("By day")
    MONTH = "month", _("By month")


class IndicatorKind(models.TextChoices):
    COUNT = "count", _("Project count")
    AMOUNT = "amount", _("Amount sum")
    FUNDS = "funds", _("Funds in place")
    FOREIGN = "foreign", _("Foreign capital (USD)")


class AmountField(models.TextChoices):
    PLANNED = "planned_investment", _("Planned investment")
    CONTRACT = "contract_amount", _("Contract amount")


class Basis(models.TextChoices):
    REPORTED = "reported", _("Reported figures")
    VERIFIED = "verified", _("Verified figures")


# Excel labels (a file format: Chinese whatever the interface language).
SCHEDULE_XLSX = {"按日": ScheduleBasis.DAY, "按月": ScheduleBasis.MONTH}
KIND_XLSX = {
    "项目个数": IndicatorKind.COUNT,
    "金额合计": IndicatorKind.AMOUNT,
    "到位资金": IndicatorKind.FUNDS,
    "利用外资": IndicatorKind.FOREIGN,
}
AMOUNT_FIELD_XLSX = {"计划总投资": AmountField.PLANNED, "协议引资额": AmountField.CONTRACT}


class SchemeKind(models.TextChoices):
    """How units are scored: the weighted completion of the target groups, or points item by item (考核办法)."""

    COMPLETION = "completion", _("Weighted completion")
    POINTS = "points", _("Points per item")


class RankingGroups(models.TextChoices):
    CATEGORY = "category", _("By unit category")
    ALL = "all", _("All units in one list")
    CUSTOM = "custom", _("Groups set by the bureau")


class VetoEffect(models.TextChoices):
    BAR_HONOURS = "bar_honours", _("Barred from honours")
    ZERO = "zero", _("Score set to zero")
    LAST = "last", _("Ranked last")


class Section(models.TextChoices):
    BASE = "base", _("Base item")
    BONUS = "bonus", _("Bonus item")
    DEDUCTION = "deduction", _("Deduction")


class ScoringFunction(models.TextChoices):
    RATIO = "ratio", _("Actual ÷ task × points")
    EFFICACY = "efficacy", _("Efficacy coefficient (功效系数)")
    STEP = "step", _("Base points ± per step of completion")
    PER_COUNT = "per_count", _("Base points ± per project above or below the task")
    BANDED = "banded", _("Points per project by amount band")
    PER_OCCURRENCE = "per_occurrence", _("Points per occurrence")
    THRESHOLD = "threshold", _("Full points when the task is met")
    STRETCH = "stretch", _("Task and stretch target (任务 and 力争)")


class MeasureKind(models.TextChoices):
    COUNT = "count", _("Project count")
    AMOUNT = "amount", _("Amount sum")
    FUNDS = "funds", _("Funds in place")
    FOREIGN = "foreign", _("Foreign capital (USD)")
    RATIO = "ratio", _("Ratio of two measures")
    LATE_REPORTS = "late_reports", _("Scheduling reports submitted late")
    MISSING_REPORTS = "missing_reports", _("Scheduling reports never submitted")
    CRITICISMS = "criticisms", _("Criticisms in issued bulletins")
    FINDINGS = "findings", _("Figures found inflated by supervision")
    DOUBLE_CLAIMS = "double_claims", _("Double claims (decided the same project)")
    FOREIGN_RECEIVED = "foreign_received", _("Foreign capital received (10k USD)")
    INVESTMENT_COMPLETED = "investment_completed", _("Investment completed (10k yuan)")
    EXPORT_EARNINGS = "export_earnings", _("Export earnings (10k USD)")
