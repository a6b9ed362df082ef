"""County mode: the county staff's face of the desktop app, talking to the county server's API.

Staff sign in with their server account (``sign_in.py``); the window (``window.py``) shows the
county's state in tabs — dashboard, households, batch inbox, conflicts, visits to review,
roster import, exports and printing, administration — refreshed from the server. Nothing here
touches a database: every read and change is a call of the staff API (``api.py``) made on a
worker thread (the app's ``Ops``), and the server decides what each account may do; the window
only hides what the account's role cannot use.

Start it with ``fieldsurvey county [--server URL]`` or ``fieldsurvey.ui.county.app.run_county``.
"""
