from django.urls import path

from . import views

app_name = "faq"
urlpatterns = [
    path("answers/<slug:slug>/", views.question_detail, name="detail"),
]
