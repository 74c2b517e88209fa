"""The staff-edited classifications of 警示案例 (问题类型, 单位类型, 治理重点)."""

from jingjian.core.models import Taxonomy


class ProblemType(Taxonomy):
    """问题类型 (庸懒散浮拖, 推诿扯皮, …)."""

    class Meta(Taxonomy.Meta):
        verbose_name = "问题类型"
        verbose_name_plural = "问题类型"


class UnitType(Taxonomy):
    """单位类型 (区直部门, 镇街, …)."""

    class Meta(Taxonomy.Meta):
        verbose_name = "单位类型"
        verbose_name_plural = "单位类型"


class GovernancePriority(Taxonomy):
    """治理重点."""

    class Meta(Taxonomy.Meta):
        verbose_name = "治理重点"
        verbose_name_plural = "治理重点"
