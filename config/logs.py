"""Logging filters."""

import logging


class RefusalsWithoutTraceback(logging.Filter):
    """django.request logs a refused request (a 403 from PermissionDenied, a 404 from Http404,
    a 400 from a SuspiciousOperation) with the exception's traceback, which reads in the log
    like a crash. Keep the line ("Forbidden (Permission denied): /projects/x/review/"), drop
    the traceback under 500; a server error keeps it."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", 500) < 500:
            record.exc_info = None
            record.exc_text = None
        return True
