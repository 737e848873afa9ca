from django.urls import path

from onewindow.workbench import casepage, extensions, home, inbox, prereview, signin, views

app_name = "workbench"

urlpatterns = [
    path("", home.home, name="home"),
    path("login/", signin.SignInView.as_view(), name="login"),
    path("logout/", signin.SignOutView.as_view(), name="logout"),
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
    path("batch/<str:code>/template.xlsx", views.batch_template_xlsx, name="batch_template"),
]
