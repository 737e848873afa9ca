from django.urls import path

from onewindow.portal import find, views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("progress/", views.progress, name="progress"),
    path("progress/<str:number>/", views.progress, name="progress_case"),
    path("services/", find.services, name="services"),
    path("services/<str:code>/", find.guide, name="guide"),
    path(
        "services/<str:code>/materials/<str:material>/<str:kind>/",
        find.material_file,
        name="material_file",
    ),
    path("lists/", find.lists, name="lists"),
    path("lists/<int:pk>/", find.list_detail, name="list"),
]
