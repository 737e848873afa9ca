from django.urls import path

from onewindow.workbench import home, password, signin, views

app_name = "workbench"

urlpatterns = [
    path("", home.home, name="home"),
    path("login/", signin.SignInView.as_view(), name="login"),
    path("logout/", signin.SignOutView.as_view(), name="logout"),
    path("password/", password.password_change, name="password"),
    path("cases/<str:number>/notice/<str:kind>.pdf", views.notice_pdf, name="notice_pdf"),
    path("batch/<str:code>/", views.batch_upload, name="batch"),
    path("batch/<str:code>/template.xlsx", views.batch_template_xlsx, name="batch_template"),
    path("batch-jobs/<uuid:job>/", views.batch_job, name="batch_job"),
    path("batch-jobs/<uuid:job>/status/", views.batch_job_status, name="batch_job_status"),
    path("batch-jobs/<uuid:job>/resume/", views.batch_job_resume, name="batch_job_resume"),
    path("batch-jobs/<uuid:job>/report.xlsx", views.batch_job_report_xlsx, name="batch_job_report"),
]
