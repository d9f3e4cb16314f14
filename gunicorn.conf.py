"""gunicorn settings read from the working directory (`gunicorn config.wsgi` in the project).

Command-line flags (--workers, --threads, --bind, --timeout as in the README) still win. What
this adds: gthread workers that keep connections open between requests, so an API client (the
workspace, a script with a session) does not open a TCP connection for every save (issue 20).
"""

worker_class = "gthread"
keepalive = 30  # seconds an idle keep-alive connection stays open (gunicorn's default is 2)
