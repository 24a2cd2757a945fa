"""The assessment office's pages, one module each: the dashboard (where the round stands, the scores, the grade
chart, 试算), a unit's score sheet, adjustments, appeals and decisions, publishing, the audit log and exports.

The round is always the user's own (request.profile.round). Every change goes through kaohe.round.actions with the
user's name as the actor, so it lands in the round's audit log like a change from the command line; a refused
change writes nothing and is shown in Chinese.
"""
from .adjustments import adjust
from .appeals import appeal, appeal_file, appeals
from .dashboard import dashboard, score
from .exports import export_zip, exports
from .log import log
from .publishing import publish
from .sheets import unit_sheet, unit_sheet_xlsx

__all__ = ["adjust", "appeal", "appeal_file", "appeals", "dashboard", "export_zip", "exports", "log", "publish",
           "score", "unit_sheet", "unit_sheet_xlsx"]
