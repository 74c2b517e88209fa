from django.urls import path

from study import views

app_name = "study"

urlpatterns = [
    path("", views.my_study, name="mine"),
    path("mark/", views.mark_state, name="state"),
    path("mark/record/", views.record, name="record"),
]
