"""What readers filter 警示案例 by, and what search reads of a case study.

Each facet is the one definition of its filter values: the listing's form and query, both
search engines and the search documents all ask it (``jingjian.core.facets``).
"""

from casestudies.choices import DETAINED, REFERRED, CaseSource, DisciplineForm, sanction_labels
from casestudies.models import ProblemType
from jingjian.core.facets import Facet, Part, taxonomy_choices, year_facet
from jingjian.core.models import WorkArea


def _sanction_choices():
    return list(sanction_labels().items())


def _discipline_form_choices():
    return [(str(value), label) for value, label in DisciplineForm.choices]


PROBLEM_TYPE = Facet.on(
    "problem_type",
    "问题类型",
    "problem_types__slug",
    taxonomy_choices(ProblemType),
    position=10,
    suggest=True,
)
SOURCE = Facet.on("source", "线索来源", "source", lambda: CaseSource.choices, position=30)
WORK_AREA = Facet.on(
    "work_area",
    "重点工作",
    "work_area__slug",
    taxonomy_choices(WorkArea),
    position=20,
    suggest=True,
)
SANCTION = Facet(
    "sanction",
    "处理结果",
    (
        Part("handlings__party_sanction", prefix="party:"),
        Part("handlings__administrative_sanction", prefix="admin:"),
        Part("handlings__detained", constant=DETAINED),
        Part("handlings__referred", constant=REFERRED),
    ),
    _sanction_choices,
    multiple=False,
    position=40,
)
DISCIPLINE_FORM = Facet.on(
    "discipline_form",
    "四种形态",
    "handlings__discipline_form",
    _discipline_form_choices,
    multiple=False,
    shown=False,
    position=45,
    order="choices",
)
YEAR = year_facet("date_handled__year", label="处理年份", search_label="年份", position=90)

FACETS = (PROBLEM_TYPE, SOURCE, WORK_AREA, SANCTION, DISCIPLINE_FORM, YEAR)
# Searched but not shown under the title (the snippets come from the summary and the facts).
SEARCHED = ("subject", "lessons", "problem_types__name", "work_area__name")
BODY_STREAMS = ("facts",)
