from django.urls import path

from onewindow.workbench import views

app_name = "workbench"

urlpatterns = [
    path("cases/<str:number>/notice/<str:kind>.pdf", views.notice_pdf, name="notice_pdf"),
    path("batch/<str:code>/", views.batch_upload, name="batch"),
    path("batch/<str:code>/template.xlsx", views.batch_template_xlsx, name="batch_template"),
]
