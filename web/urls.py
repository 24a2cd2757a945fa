from django.urls import path

from .views import appeals, home, office, unit

app_name = "web"

urlpatterns = [
    path("", home.home, name="home"),
    # --- the municipality's portal (views/unit.py) ---
    path("unit/", unit.unit_home, name="unit_home"),
    path("unit/workbook/", unit.unit_workbook, name="unit_workbook"),
    path("unit/check/", unit.unit_check, name="unit_check"),
    path("unit/submit/", unit.unit_submit, name="unit_submit"),
    path("unit/submissions/<int:version>/", unit.unit_submission_file, name="unit_submission_file"),
    path("unit/result/", unit.unit_result, name="unit_result"),
    # --- the unit's appeals (views/appeals.py) ---
    path("unit/appeal/", appeals.unit_appeal, name="unit_appeal"),
    path("unit/appeals/<int:number>/files/<int:position>/", appeals.unit_appeal_file, name="unit_appeal_file"),
    # --- the office (views/office.py) ---
    path("office/", office.dashboard, name="office"),
]
