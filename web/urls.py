from django.urls import path

from .views import appeals, home, office, party, unit

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
    # --- inspection groups and departments (views/party.py) ---
    path("group/", party.group_home, name="group_home"),
    path("group/units/<path:unit>/", party.group_unit, name="group_unit"),  # path: a name may hold a "/"
    path("group/workbook/", party.group_workbook, name="group_workbook"),
    path("group/upload/", party.group_upload, name="group_upload"),
    path("department/", party.department_home, name="department_home"),
    path("department/items/<str:item_id>/", party.department_item, name="department_item"),
    path("department/workbook/", party.department_workbook, name="department_workbook"),
    path("department/upload/", party.department_upload, name="department_upload"),
    # --- the office (views/office/) ---
    path("office/", office.dashboard, name="office"),
    path("office/score/", office.score, name="office_score"),
    # path, not str: a unit's name may hold a "/" (浙江/省); the sheet page ends in "/", the xlsx does not
    path("office/units/<path:unit>/sheet.xlsx", office.unit_sheet_xlsx, name="office_unit_xlsx"),
    path("office/units/<path:unit>/", office.unit_sheet, name="office_unit"),
    path("office/adjust/", office.adjust, name="office_adjust"),
    path("office/appeals/", office.appeals, name="office_appeals"),
    path("office/appeals/<int:number>/", office.appeal, name="office_appeal"),
    path("office/appeals/<int:number>/files/<int:position>/", office.appeal_file, name="office_appeal_file"),
    path("office/publish/", office.publish, name="office_publish"),
    path("office/log/", office.log, name="office_log"),
    path("office/export/", office.exports, name="office_export"),
    path("office/export/<int:number>.zip", office.export_zip, name="office_export_zip"),
]
