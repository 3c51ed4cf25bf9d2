"""The portal's date, time and number formats per language (`FORMAT_MODULE_PATH`), over Django's own.

What people read follows their language: `{{ value|date }}` (DATE_FORMAT) and `|date:"DATETIME_FORMAT"`
in templates, `portal.formatting` in Python; never an ISO date in visible text. Machine-readable values
(a `<time datetime>`, JSON and CSV exports, calendar files) stay ISO 8601. Times are shown in the
portal's TIME_ZONE (the template engine converts aware datetimes to it)."""
