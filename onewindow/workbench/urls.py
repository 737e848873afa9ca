from django.urls import path

from onewindow.workbench import home, pickup, search, signin, views

app_name = "workbench"

urlpatterns = [
    path("", home.home, name="home"),
    path("login/", signin.SignInView.as_view(), name="login"),
    path("logout/", signin.SignOutView.as_view(), name="logout"),
    path("cases/<str:number>/notice/<str:kind>.pdf", views.notice_pdf, name="notice_pdf"),
    path("batch/<str:code>/", views.batch_upload, name="batch"),
    path("pickup/", pickup.pickup, name="pickup"),
    path("pickup/<str:number>/deliver/", pickup.pickup_deliver, name="pickup_deliver"),
    path("cases/", search.case_search, name="case_search"),
    path("exports/", search.case_export_create, name="case_export_create"),
    path("exports/<int:pk>/", search.case_export_status, name="case_export_status"),
    path("exports/<int:pk>/download/", search.case_export_download, name="case_export_download"),
    path("batch/<str:code>/template.xlsx", views.batch_template_xlsx, name="batch_template"),
]
