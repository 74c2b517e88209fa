from django.apps import AppConfig


class DemoConfig(AppConfig):
    """``manage.py load_demo_content``: the demo users, pictures, pages and case files. An app of
    its own beside the feature apps, as it writes pages of every type and case files."""

    name = "demo"
    verbose_name = "演示内容"
