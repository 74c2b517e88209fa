"""警示案例's models: pages (``pages``), taxonomies (``taxonomies``) and case files
(``case_files``), imported here so that Django and callers find them as ``casestudies.models``."""

from casestudies.models.bulletins import BulletinIndexPage, BulletinItem, BulletinPage
from casestudies.models.case_files import (
    CandidateDecision,
    CaseFile,
    CaseFileDocument,
    CaseFilePerson,
    CaseFileUnit,
    NameKind,
    PersonRole,
)
from casestudies.models.pages import CaseIndexPage, CaseStudyPage, GateStatus, Handling
from casestudies.models.register_summary import (
    RegisterSummary,
    RegisterSummaryMonth,
    RegisterVersion,
)
from casestudies.models.taxonomies import GovernancePriority, ProblemType, UnitType

__all__ = [
    "BulletinIndexPage",
    "BulletinItem",
    "BulletinPage",
    "CandidateDecision",
    "CaseFile",
    "CaseFileDocument",
    "CaseFilePerson",
    "CaseFileUnit",
    "CaseIndexPage",
    "CaseStudyPage",
    "GateStatus",
    "GovernancePriority",
    "Handling",
    "NameKind",
    "PersonRole",
    "ProblemType",
    "RegisterSummary",
    "RegisterSummaryMonth",
    "RegisterVersion",
    "UnitType",
]
