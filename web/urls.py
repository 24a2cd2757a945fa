from django.urls import path

from .views import home, office, unit

app_name = "web"

urlpatterns = [
    path("", home.home, name="home"),
    path("unit/", unit.unit_home, name="unit_home"),
    path("unit/workbook/", unit.unit_workbook, name="unit_workbook"),
    path("unit/check/", unit.unit_check, name="unit_check"),
    path("unit/submit/", unit.unit_submit, name="unit_submit"),
    path("unit/submissions/<int:version>/", unit.unit_submission_file, name="unit_submission_file"),
    path("unit/result/", unit.unit_result, name="unit_result"),
    path("office/", office.dashboard, name="office"),
]
