from django.urls import path

from onewindow.portal import guide, views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("progress/", views.progress, name="progress"),
    path("progress/<str:number>/", views.progress, name="progress_case"),
    path("services/<str:code>/materials/", guide.materials, name="guide_materials"),
]
