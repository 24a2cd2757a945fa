"""The web application on a round database: logins and roles, the municipality's portal (its fill-in workbook, the
self-check of an upload, 报送, its published score sheet) and the office's dashboard.

Every change goes through kaohe.round.actions, with the logged-in user as the actor; what a page shows comes from
kaohe.round.state and kaohe.round.status. A unit's pages take the unit from the user's profile, never from the
address or a form.
"""
