from django.urls import path

from onewindow.workbench import casepage, extensions, home, inbox, intake, password, prereview, signin, views

app_name = "workbench"

urlpatterns = [
    path("", home.home, name="home"),
    path("login/", signin.SignInView.as_view(), name="login"),
    path("logout/", signin.SignOutView.as_view(), name="logout"),
    path("password/", password.password_change, name="password"),
    path("prereview/", prereview.prereview_list, name="prereview"),
    path("prereview/<str:number>/", prereview.prereview_application, name="prereview_application"),
    path("prereview/<str:number>/<str:action>/", prereview.prereview_act, name="prereview_act"),
    path("inbox/", inbox.inbox, name="inbox"),
    path("tasks/<int:task_id>/claim/", inbox.task_claim, name="task_claim"),
    path("extensions/", extensions.extensions, name="extensions"),
    path("cases/<str:number>/", casepage.case_page, name="case"),
    path("cases/<str:number>/act/<str:action>/", casepage.case_action, name="case_action"),
    path("cases/<str:number>/reveal/", casepage.case_reveal, name="case_reveal"),
    path("cases/<str:number>/notice/<str:kind>.pdf", views.notice_pdf, name="notice_pdf"),
    path("batch/<str:code>/", views.batch_upload, name="batch"),
    path("intake/", intake.page, name="intake"),
    path("intake/applicant/", intake.applicant_find, name="intake_applicant"),
    path("intake/applicant/new/", intake.applicant_register, name="intake_applicant_register"),
    path("intake/items/", intake.item_search, name="intake_items"),
    path("intake/work/", intake.work, name="intake_work"),
    path("intake/submit/", intake.submit, name="intake_submit"),
    path("intake/void/", intake.void, name="intake_void"),
    path("intake/scans/", intake.file_upload, name="intake_scan"),
    path("files/<int:pk>/", intake.file_get, name="file"),
    path("batch/<str:code>/template.xlsx", views.batch_template_xlsx, name="batch_template"),
    path("batch-jobs/<uuid:job>/", views.batch_job, name="batch_job"),
    path("batch-jobs/<uuid:job>/status/", views.batch_job_status, name="batch_job_status"),
    path("batch-jobs/<uuid:job>/resume/", views.batch_job_resume, name="batch_job_resume"),
    path("batch-jobs/<uuid:job>/report.xlsx", views.batch_job_report_xlsx, name="batch_job_report"),
]
