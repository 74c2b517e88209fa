from django.apps import AppConfig


class ImportingConfig(AppConfig):
    name = "jingjian.importing"
    label = "importing"
    verbose_name = "批量导入"
