from django.urls import path

from casestudies.statistics import views

app_name = "statistics"

urlpatterns = [
    path("", views.page, name="page"),
    path("figures.json", views.figures_json, name="figures_json"),
    path("charts/<str:key>.svg", views.chart, name="chart"),
]
