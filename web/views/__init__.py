"""The pages: home.py sends each role to its start page; unit.py is the municipality's portal; office.py the
office's dashboard."""
