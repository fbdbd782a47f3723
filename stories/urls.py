from django.urls import path

from . import views

app_name = "stories"
urlpatterns = [
    path("story/<slug:slug>/", views.story_detail, name="detail"),
    path("preview/<str:token>/", views.story_preview, name="preview"),
]
