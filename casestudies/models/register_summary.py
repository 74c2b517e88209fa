"""The register's summary: what the statistics count, per month, kept beside the case files.

``RegisterSummary`` holds, for every month and each of a few groupings (``slice``), the counts
the statistics add up (persons per measure, matters), split by whether the matter was named in
a public bulletin, and the names of the units named in a bulletin (counted as distinct names
over a period, so kept by name). Database triggers (``casestudies/0018``) mark the months a write touches in
``RegisterSummaryMonth`` and move ``RegisterVersion`` on every write to the case files, their
persons, units and problem types, whatever writes them (the admin, the ledger import, a
bulletin's ``update()``, a bulk insert, a cascade); ``casestudies.statistics.summary`` counts
the marked months again before the figures are read. Identifiers of the groupings are plain
integers, not keys: a row is counted again, never followed.
"""

from django.db import models

from casestudies.choices import AdministrativeSanction, DisciplineForm, PartySanction

# The person measures of ``casestudies.statistics.register.MEASURES``, by column.
PERSON_COLUMNS = {
    "persons": "persons",
    "sanctioned": "sanctioned",
    "party_sanctioned": "party_sanctioned",
    "admin_sanctioned": "admin_sanctioned",
    **{f"form_{value}": f"form_{value}" for value in DisciplineForm.values},
    "form_none": "form_none",
    **{f"party:{value}": f"party_{value}" for value in PartySanction.values},
    **{f"admin:{value}": f"admin_{value}" for value in AdministrativeSanction.values},
    "detained": "detained",
    "referred": "referred",
}


class RegisterSummary(models.Model):
    """Counts of one month's matters and persons handled in one group of a grouping."""

    slice = models.CharField(max_length=20)
    month = models.DateField()  # the first day
    work_area_id = models.IntegerField(null=True)
    source = models.CharField(max_length=30, null=True)
    unit_type_id = models.IntegerField(null=True)
    problem_type_id = models.IntegerField(null=True)
    rank_level = models.PositiveSmallIntegerField(null=True)
    bulletined = models.BooleanField()
    # The unit slices: a unit named in a public bulletin in the month's matters of the group.
    unit_name = models.CharField(max_length=120, null=True)
    matters = models.PositiveIntegerField(default=0)
    # and a count per person measure (``PERSON_COLUMNS``), added below

    class Meta:
        verbose_name = "统计汇总"
        verbose_name_plural = "统计汇总"
        indexes = [models.Index(fields=["slice", "month"], name="register_summary_slice")]

    def __str__(self):
        return f"{self.slice} {self.month:%Y-%m}"


for _column in PERSON_COLUMNS.values():
    RegisterSummary.add_to_class(_column, models.PositiveIntegerField(default=0))


class RegisterSummaryMonth(models.Model):
    """A month whose summary must be counted again; ``version`` moves with every write to it,
    so a recount removes only the marks it has seen."""

    month = models.DateField(unique=True)
    version = models.BigIntegerField(default=1)

    class Meta:
        verbose_name = "待重算月份"
        verbose_name_plural = "待重算月份"

    def __str__(self):
        return f"{self.month:%Y-%m}"


class RegisterVersion(models.Model):
    """One row whose ``version`` moves with every write to the register (case files, persons,
    units, problem types): what the cached figures are keyed by. It starts at a random number,
    so a register emptied and written again does not meet its old cache entries."""

    version = models.BigIntegerField()

    class Meta:
        verbose_name = "登记簿版本"
        verbose_name_plural = "登记簿版本"

    def __str__(self):
        return str(self.version)
