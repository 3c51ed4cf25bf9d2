"""gunicorn settings (Dockerfile and docker-compose.yml run `gunicorn -c portal/gunicorn.conf.py`).

The access log holds the time, method, path, status, size and duration only: no query string (admin
searches carry names and document numbers), no client address, referer or user agent; secret keys in
confirmation, reset and invitation paths are masked. Error-log lines go through the same redaction.
"""

import os

from gunicorn.glogging import Logger

from portal.logs import RedactFilter, path_redact

wsgi_app = "portal.wsgi:application"
bind = f"0.0.0.0:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
access_log_format = '%(t)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms'


class RedactingLogger(Logger):
    """gunicorn's logger with the path of each access line and every error-log message redacted."""

    def setup(self, cfg):
        super().setup(cfg)
        for log in (self.error_log, self.access_log):
            if not any(isinstance(existing, RedactFilter) for existing in log.filters):
                log.addFilter(RedactFilter())

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        atoms["U"] = path_redact(atoms.get("U", ""))
        for key in ("r", "q", "f", "a", "h", "u"):
            atoms.pop(key, None)
        return atoms


logger_class = RedactingLogger
