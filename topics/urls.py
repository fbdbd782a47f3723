from django.urls import path

from . import views

app_name = "topics"
urlpatterns = [
    path("topics/<slug:slug>/", views.topic_detail, name="detail"),
]
