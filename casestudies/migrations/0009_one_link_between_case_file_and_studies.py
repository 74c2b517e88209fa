"""One link between a case file and its case studies: the study records its case file
(``CaseStudyPage.source_case_file``); the case file's own pointer to its draft goes, after
every draft it pointed at records the case file."""

from django.db import migrations


def record_the_case_file_on_each_draft(apps, schema_editor):
    CaseFile = apps.get_model("casestudies", "CaseFile")
    CaseStudyPage = apps.get_model("casestudies", "CaseStudyPage")
    for case_file in CaseFile.objects.exclude(case_study=None).only("pk", "case_study"):
        CaseStudyPage.objects.filter(
            pk=case_file.case_study_id, source_case_file__isnull=True
        ).update(source_case_file=case_file.pk)


def point_each_case_file_at_its_first_study(apps, schema_editor):
    CaseFile = apps.get_model("casestudies", "CaseFile")
    CaseStudyPage = apps.get_model("casestudies", "CaseStudyPage")
    for case_file in CaseFile.objects.all():
        first = CaseStudyPage.objects.filter(source_case_file=case_file).order_by("pk").first()
        if first is not None:
            CaseFile.objects.filter(pk=case_file.pk).update(case_study=first)


class Migration(migrations.Migration):
    dependencies = [("casestudies", "0008_gate_status")]

    operations = [
        migrations.RunPython(
            record_the_case_file_on_each_draft, point_each_case_file_at_its_first_study
        ),
        migrations.RemoveField(model_name="casefile", name="case_study"),
    ]
