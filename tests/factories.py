"""Factories for pages, taxonomies and users (factory_boy + wagtail-factories)."""

import datetime

import factory
import wagtail_factories
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from casestudies.choices import CaseSource
from casestudies.models import (
    CaseIndexPage,
    CaseStudyPage,
    GovernancePriority,
    Handling,
    ProblemType,
    UnitType,
)
from exemplars.models import ExemplarCategory, ExemplarIndexPage, ExemplarPage, Honour
from jingjian.core.models import WorkArea


class UserFactory(factory.django.DjangoModelFactory):
    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.PostGenerationMethodCall("set_password", "pw-for-tests")

    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    @factory.post_generation
    def groups(self, create, names, **kwargs):
        if create and names:
            self.groups.set([Group.objects.get(name=name) for name in names])
        if create:
            self.save()


def exemplar_index():
    return ExemplarIndexPage.objects.get()


def case_index():
    return CaseIndexPage.objects.get()


class ExemplarPageFactory(wagtail_factories.PageFactory):
    title = factory.Sequence(lambda n: f"扎根基层的好干部之{n}")
    slug = factory.Sequence(lambda n: f"exemplar-{n}")
    parent = factory.LazyFunction(exemplar_index)
    date = datetime.date(2024, 5, 1)
    name = factory.Sequence(lambda n: f"陈晓{n}")
    gender = "female"
    ethnicity = "汉族"
    birth_year = 1978
    birth_month = 6
    political_status = "party_member"
    unit = "临江镇上坝村"
    post = "党支部书记"
    category = factory.LazyFunction(lambda: ExemplarCategory.objects.get(name="担当作为"))
    summary = "二十年扎根山村，带领群众修路引水、发展茶叶产业。"
    citation = "她把青春留在山村，把初心写在大地。"
    deeds = factory.LazyFunction(
        lambda: [
            {"type": "heading", "value": "修通致富路"},
            {"type": "paragraph", "value": "<p>她挨家挨户做工作,修通了进村公路。</p>"},
        ]
    )

    class Meta:
        model = ExemplarPage


class HonourFactory(factory.django.DjangoModelFactory):
    title = "明州市优秀共产党员"
    awarding_body = "中共明州市委"
    year = 2021

    class Meta:
        model = Honour


class CaseStudyPageFactory(wagtail_factories.PageFactory):
    title = factory.Sequence(lambda n: f"区某局原副局长王某推诿扯皮问题{n}")
    slug = factory.Sequence(lambda n: f"case-{n}")
    parent = factory.LazyFunction(case_index)
    subject = "鉴湖区某局原副局长王某"
    summary = "王某对企业审批事项推诿扯皮,致使项目延误三个月。"
    unit_type = factory.LazyFunction(lambda: UnitType.objects.get(name="区直部门"))
    governance_priority = factory.LazyFunction(
        lambda: GovernancePriority.objects.get(name="营商环境优化")
    )
    work_area = factory.LazyFunction(lambda: WorkArea.objects.get(name="招商引资"))
    source = CaseSource.COMPLAINT
    period_start = datetime.date(2021, 3, 1)
    period_end = datetime.date(2021, 6, 1)
    date_handled = datetime.date(2022, 1, 10)
    lessons = "以案为鉴,举一反三。"
    facts = factory.LazyFunction(
        lambda: [{"type": "paragraph", "value": "<p>2021年3月至6月,王某推诿扯皮。</p>"}]
    )

    class Meta:
        model = CaseStudyPage
        skip_postgeneration_save = True

    @factory.post_generation
    def problem_types(self, create, names, **kwargs):
        if names:
            self.problem_types.set([ProblemType.objects.get(name=n) for n in names])
            if create:
                self.save_revision().publish()


class HandlingFactory(factory.django.DjangoModelFactory):
    pseudonym = "王某"
    post = "区某局原副局长"
    discipline_form = 2
    party_sanction = "serious_warning"

    class Meta:
        model = Handling
