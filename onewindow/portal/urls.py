from django.urls import path

from onewindow.portal import accounts, apply, find, guide, mycases, views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("progress/", views.progress, name="progress"),
    path("progress/<str:number>/", views.progress, name="progress_case"),
    path("account/login/", accounts.SignInView.as_view(), name="login"),
    path("account/logout/", accounts.SignOutView.as_view(), name="logout"),
    path("account/signup/", accounts.signup, name="signup"),
    path("account/reset/", accounts.reset, name="reset"),
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
    path("bundles/<str:code>/", find.bundle, name="bundle"),
    path("lists/", find.lists, name="lists"),
    path("lists/<int:pk>/", find.list_detail, name="list"),
    path("apply/bundle/<str:code>/", apply.apply_bundle, name="apply_bundle"),
    path("apply/<str:code>/", apply.apply_item, name="apply"),
    path("my/applications/", apply.application_list, name="applications"),
    path("my/applications/<str:number>/", apply.application_page, name="application"),
    path("my/applications/<str:number>/situation/", apply.situation_change, name="application_situation"),
    path("my/applications/<str:number>/supplement/", apply.supplement, name="application_supplement"),
    path("my/applications/<str:number>/withdraw/", apply.withdraw, name="application_withdraw"),
    path(
        "my/applications/<str:number>/files/<int:file_id>/remove/",
        apply.file_remove,
        name="application_file_remove",
    ),
    path("my/files/<int:pk>/", apply.file_get, name="file"),
    path("my/bind/", mycases.bind, name="bind"),
    path("my/cases/", mycases.case_list, name="my_cases"),
    path("my/cases/<str:number>/", mycases.case_detail, name="my_case"),
    path("my/cases/<str:number>/notice/<str:kind>.pdf", mycases.notice_pdf, name="my_notice"),
]
