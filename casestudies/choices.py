"""Lists fixed by regulation (see REFERENCE.md): enumerations, not free text."""

from django.db import models


class CaseSource(models.TextChoices):
    """Where a case came from (问题线索来源)."""

    CITY_INSPECTION = "city_inspection", "巡视"
    DISTRICT_INSPECTION = "district_inspection", "巡察"
    UNANNOUNCED_VISIT = "unannounced_visit", "暗访"
    COMPLAINT = "complaint", "信访举报"
    SELF_INSPECTION = "self_inspection", "自查自纠"
    AUDIT = "audit", "审计"
    MEDIA = "media", "媒体曝光"
    OTHER = "other", "其他"


class DisciplineForm(models.IntegerChoices):
    """监督执纪“四种形态” (Regulations on Disciplinary Actions 2024, Art. 5)."""

    FIRST = 1, "第一种形态"
    SECOND = 2, "第二种形态"
    THIRD = 3, "第三种形态"
    FOURTH = 4, "第四种形态"


class RankLevel(models.IntegerChoices):
    """职级 of a person handled, as the monthly report (月报) counts them; lower is higher in
    rank, so the highest rank of a matter's persons is their minimum."""

    BUREAU = 1, "地厅级"
    COUNTY = 2, "县处级"
    TOWNSHIP = 3, "乡科级"
    GENERAL = 4, "一般干部"
    OTHER = 5, "其他"


class PartySanction(models.TextChoices):
    """党纪处分 (Regulations on Disciplinary Actions, Art. 8)."""

    WARNING = "warning", "警告"
    SERIOUS_WARNING = "serious_warning", "严重警告"
    REMOVAL_FROM_PARTY_POST = "removal_from_party_post", "撤销党内职务"
    PROBATION = "probation", "留党察看"
    EXPULSION = "expulsion", "开除党籍"


class AdministrativeSanction(models.TextChoices):
    """政务处分 (Law on Administrative Discipline for Public Officials, Art. 7)."""

    WARNING = "warning", "警告"
    DEMERIT = "demerit", "记过"
    MAJOR_DEMERIT = "major_demerit", "记大过"
    DEMOTION = "demotion", "降级"
    REMOVAL_FROM_POST = "removal_from_post", "撤职"
    DISMISSAL = "dismissal", "开除"


class Accountability(models.TextChoices):
    """问责方式 and first-form measures (Accountability Regulations 2019, Art. 8)."""

    CRITICISM = "criticism", "批评教育"
    ORDERED_EXAMINATION = "ordered_examination", "责令检查"
    NOTICE = "notice", "通报"
    ADMONITION = "admonition", "诫勉"
    SUSPENSION = "suspension", "停职检查"
    REASSIGNMENT = "reassignment", "调整职务"
    ORDERED_RESIGNATION = "ordered_resignation", "责令辞职"
    REMOVAL = "removal", "免职"
    DEMOTION = "demotion", "降职"


# What a handling's outcome may be filtered by: the values the listing's 处理结果 filter, both
# search engines' facets and the Elasticsearch documents use, and the one label of each.
DETAINED, REFERRED = "detained", "referred"


def sanction_labels():
    """{filter value: label}: ``party:warning`` 党纪警告, ``admin:demerit`` 政务记过 …, ``detained``
    留置, ``referred`` 移送司法机关 (a handling's outcome words them the same way)."""
    labels = {f"party:{value}": f"党纪{label}" for value, label in PartySanction.choices}
    labels |= {f"admin:{value}": f"政务{label}" for value, label in AdministrativeSanction.choices}
    labels |= {DETAINED: "留置", REFERRED: "移送司法机关"}
    return labels
