from django.apps import AppConfig


class SecurityConfig(AppConfig):
    name = "jingjian.security"
    label = "security"
    verbose_name = "安全"
