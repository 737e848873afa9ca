from django.urls import path

from onewindow.portal import accounts, mycases, views

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
    path("my/bind/", mycases.bind, name="bind"),
    path("my/cases/", mycases.case_list, name="my_cases"),
    path("my/cases/<str:number>/", mycases.case_detail, name="my_case"),
    path("my/cases/<str:number>/notice/<str:kind>.pdf", mycases.notice_pdf, name="my_notice"),
]
