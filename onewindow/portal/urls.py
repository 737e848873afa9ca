from django.urls import path

from onewindow.portal import accounts, find, guide, views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("progress/", views.progress, name="progress"),
    path("progress/<str:number>/", views.progress, name="progress_case"),
    path("account/login/", accounts.SignInView.as_view(), name="login"),
    path("account/logout/", accounts.SignOutView.as_view(), name="logout"),
    path("account/signup/", accounts.signup, name="signup"),
    path("my/", accounts.my, name="my"),
    path("my/identity/", accounts.identity, name="identity"),
    path("services/<str:code>/materials/", guide.materials, name="guide_materials"),
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
