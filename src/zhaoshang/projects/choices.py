from django.db import models
from django.utils.translation import gettext_lazy as _


class Stage(models.TextChoices):
    """Pipeline stages in order; a project records the date it reached each one."""

    LEAD = "lead", _("Lead")
    NEGOTIATING = "negotiating", _("Negotiating")
    INTENTION = "intention", _("Intention")
    SIGNED = "signed", _("Signed")
    STARTED = "started", _("Started")
    PRODUCING = "producing", _("Producing")


STAGE_ORDER = {stage: index for index, stage in enumerate(Stage.values)}


class DatePrecision(models.TextChoices):
    """How precisely a stage event's date is known: a day, or only its month (stored as the 1st)."""

    DAY = "day", _("Day")
    MONTH = "month", _("Month")


class Status(models.TextChoices):
    ACTIVE = "active", _("Active")
    STALLED = "stalled", _("Stalled")
    DROPPED = "dropped", _("Dropped")


class InvestorKind(models.TextChoices):
    """客商类型: a company, a person (自然人), or another body (an association, a fund, a government agency)."""

    ENTERPRISE = "enterprise", _("Enterprise")
    INDIVIDUAL = "individual", _("Individual")
    OTHER = "other", _("Other")


class CapitalType(models.TextChoices):
    DOMESTIC = "domestic", _("Domestic")
    FOREIGN = "foreign", _("Foreign")


class Kind(models.TextChoices):
    INDUSTRIAL = "industrial", _("Industrial")
    TERTIARY = "tertiary", _("Tertiary")
    AGRICULTURE = "agriculture", _("Agriculture")
    INFRASTRUCTURE = "infrastructure", _("Infrastructure")


class Industry(models.TextChoices):
    """Sections of GB/T 4754-2017 (国民经济行业分类)."""

    A = "A", _("Agriculture, forestry, animal husbandry and fishery")
    B = "B", _("Mining")
    C = "C", _("Manufacturing")
    D = "D", _("Electricity, heat, gas and water")
    E = "E", _("Construction")
    F = "F", _("Wholesale and retail")
    G = "G", _("Transport, storage and post")
    H = "H", _("Accommodation and catering")
    I = "I", _("Information technology services")  # noqa: E741 - the standard's own letter
    J = "J", _("Finance")
    K = "K", _("Real estate")
    L = "L", _("Leasing and business services")
    M = "M", _("Scientific research and technical services")
    N = "N", _("Water, environment and public facilities")
    O = "O", _("Resident and other services")  # noqa: E741
    P = "P", _("Education")
    Q = "Q", _("Health and social work")
    R = "R", _("Culture, sports and entertainment")
    S = "S", _("Public administration and social organisations")
    T = "T", _("International organisations")


# GB/T 4754-2017's divisions (大类, two-digit codes) by section (门类): a project's ``industry_division`` lies in its
# section's range (both ends inclusive).
DIVISION_RANGES = {
    "A": range(1, 6),
    "B": range(6, 13),
    "C": range(13, 44),
    "D": range(44, 47),
    "E": range(47, 51),
    "F": range(51, 53),
    "G": range(53, 61),
    "H": range(61, 63),
    "I": range(63, 66),
    "J": range(66, 70),
    "K": range(70, 71),
    "L": range(71, 73),
    "M": range(73, 76),
    "N": range(76, 80),
    "O": range(80, 83),
    "P": range(83, 84),
    "Q": range(84, 86),
    "R": range(86, 91),
    "S": range(91, 97),
    "T": range(97, 98),
}
DIVISIONS = tuple(f"{number:02d}" for numbers in DIVISION_RANGES.values() for number in numbers)


def division_section(division: str) -> str | None:
    """The section letter of a two-digit division code (None: not a division of the standard)."""
    if len(division) != 2 or not division.isdigit():
        return None
    return next((letter for letter, numbers in DIVISION_RANGES.items() if int(division) in numbers), None)


def division_error(section: str, division: str) -> str | None:
    """Why a division (大类) cannot go with an industry section, in the interface language; None when it can (or
    when no division is given)."""
    from django.utils.translation import gettext

    if not division:
        return None
    found = division_section(division)
    if found is None:
        return gettext("%(division)s is not a GB/T 4754 division (two digits).") % {"division": division}
    if found != section:
        return gettext("Division %(division)s belongs to section %(found)s, not to the industry chosen.") % {
            "division": division,
            "found": found,
        }
    return None


class Currency(models.TextChoices):
    CNY = "CNY", _("Renminbi")
    USD = "USD", _("US dollar")
    EUR = "EUR", _("Euro")
    HKD = "HKD", _("Hong Kong dollar")
    JPY = "JPY", _("Japanese yen")


class Ownership(models.TextChoices):
    """所有制: the ownership of the company behind a project (recognition conditions such as 民营工业 read it)."""

    STATE = "state", _("State-owned")
    PRIVATE = "private", _("Private")
    FOREIGN = "foreign", _("Foreign-owned")
    HMT = "hmt", _("Hong Kong, Macao or Taiwan")
    MIXED = "mixed", _("Mixed ownership")


class EventLevel(models.TextChoices):
    """The level of the promotion event a project was signed at, lowest first (县级 < 市级 < 省级 < 国家级)."""

    COUNTY = "county", _("County-level")
    CITY = "city", _("City-level")
    PROVINCE = "province", _("Provincial")
    NATIONAL = "national", _("National")


EVENT_LEVEL_ORDER = {level: index for index, level in enumerate(EventLevel.values)}


class AttachmentKind(models.TextChoices):
    CONTRACT = "contract", _("Contract")
    INTENT = "intent", _("Letter of intent")
    PERMIT = "permit", _("Permit")
    RECEIPT = "receipt", _("Bank receipt")
    PHOTO = "photo", _("Photo")
    RECORD = "record", _("Visit or talk record")
    LICENCE = "licence", _("Production licence or invoice")
    OTHER = "other", _("Other")


# The labels used in Excel files. They are a file format shared with units' spreadsheets, so they stay
# Chinese whatever the interface language.
STAGE_XLSX = {
    "线索": Stage.LEAD,
    "洽谈": Stage.NEGOTIATING,
    "意向": Stage.INTENTION,
    "签约": Stage.SIGNED,
    "开工": Stage.STARTED,
    "投产": Stage.PRODUCING,
}
STATUS_XLSX = {"停滞": Status.STALLED, "终止": Status.DROPPED}
CAPITAL_XLSX = {"内资": CapitalType.DOMESTIC, "外资": CapitalType.FOREIGN}
KIND_XLSX = {
    "工业": Kind.INDUSTRIAL,
    "三产": Kind.TERTIARY,
    "农业": Kind.AGRICULTURE,
    "基础设施": Kind.INFRASTRUCTURE,
}
# GB/T 4754-2017's section names (门类) exactly as the standard writes them, with the 、: the labels the template
# offers and the export writes.
INDUSTRY_XLSX = {
    "农、林、牧、渔业": "A",
    "采矿业": "B",
    "制造业": "C",
    "电力、热力、燃气及水生产和供应业": "D",
    "建筑业": "E",
    "批发和零售业": "F",
    "交通运输、仓储和邮政业": "G",
    "住宿和餐饮业": "H",
    "信息传输、软件和信息技术服务业": "I",
    "金融业": "J",
    "房地产业": "K",
    "租赁和商务服务业": "L",
    "科学研究和技术服务业": "M",
    "水利、环境和公共设施管理业": "N",
    "居民服务、修理和其他服务业": "O",
    "教育": "P",
    "卫生和社会工作": "Q",
    "文化、体育和娱乐业": "R",
    "公共管理、社会保障和社会组织": "S",
    "国际组织": "T",
}


def _industry_key(label: str) -> str:
    """A section name compared without its 、 and spaces (the product's labels before issue 15 dropped the 、)."""
    return "".join(label.split()).replace("、", "").replace(",", "").replace("，", "")


_INDUSTRY_BY_KEY = {_industry_key(name): code for name, code in INDUSTRY_XLSX.items()}


def industry_code(label: str) -> str | None:
    """The section letter a county's sheet means by ``label``: the standard's name with or without its 、, the
    letter (A–T, either case) or a two-digit division (大类, e.g. 13 → C). None: not an industry of the standard."""
    label = label.strip()
    if len(label) == 1 and label.upper() in Industry.values:
        return label.upper()
    if len(label) in (1, 2) and label.isdigit():
        return division_section(label.zfill(2))
    return _INDUSTRY_BY_KEY.get(_industry_key(label))


class _IndustryLabels(dict):
    """The section names of the standard (iterated, e.g. in an error listing them), looking up any form
    ``industry_code`` reads: ``label in INDUSTRY_LABELS`` and ``INDUSTRY_LABELS[label]`` → the letter."""

    def __contains__(self, label) -> bool:
        return isinstance(label, str) and industry_code(label) is not None

    def __getitem__(self, label) -> str:
        code = industry_code(label) if isinstance(label, str) else None
        if code is None:
            raise KeyError(label)
        return code

    def get(self, label, default=None):
        return self[label] if label in self else default


INDUSTRY_LABELS = _IndustryLabels(INDUSTRY_XLSX)
CURRENCY_XLSX = {
    "人民币": Currency.CNY,
    "美元": Currency.USD,
    "欧元": Currency.EUR,
    "港元": Currency.HKD,
    "日元": Currency.JPY,
}
YES_NO_XLSX = {"是": True, "否": False}
OWNERSHIP_XLSX = {
    "国有": Ownership.STATE,
    "民营": Ownership.PRIVATE,
    "外资": Ownership.FOREIGN,
    "港澳台": Ownership.HMT,
    "混合": Ownership.MIXED,
}
EVENT_LEVEL_XLSX = {
    "县级": EventLevel.COUNTY,
    "市级": EventLevel.CITY,
    "省级": EventLevel.PROVINCE,
    "国家级": EventLevel.NATIONAL,
}
INDUSTRY_NAME = {code: name for name, code in INDUSTRY_XLSX.items()}


# What a county's status word (在建, 已签约…) may map to: a stage, or the status a project is stalled or dropped in.
STAGE_WORD_TARGETS = [
    *Stage.choices,
    (Status.STALLED.value, Status.STALLED.label),
    (Status.DROPPED.value, Status.DROPPED.label),
]
