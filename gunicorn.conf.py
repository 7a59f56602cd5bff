"""gunicorn settings for taskmanager, read from the environment (`gunicorn -c gunicorn.conf.py`).

Used by the Docker image and by scripts/prod-local, so what is measured locally is what ships.
Figures behind the defaults are in docs/deploy.md ("Choosing the worker class").
"""

import os
from pathlib import Path

_project = Path(__file__).resolve().parent

wsgi_app = "taskmanager.wsgi:application"
pythonpath = str(_project / "src")

bind = [os.environ.get("GUNICORN_BIND", f"0.0.0.0:{os.environ.get('PORT', '9000')}")]

# gthread and sync measured the same throughput on 2 cores (the board is CPU-bound); gthread
# wins on what matters beyond it: a request stuck on a slow query or client holds one thread,
# not a whole process (health checks still answer), and it keeps connections alive behind a
# proxy. WEB_CONCURRENCY processes x GUNICORN_THREADS threads serve at once; keep that within
# the database's connection budget (each thread holds one persistent connection).
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "gthread")
threads = int(os.environ.get("GUNICORN_THREADS", "4"))

# A request that takes longer than this is stuck: the worker is killed and replaced.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
# On SIGTERM (docker stop, a rolling deploy) finish in-flight requests for up to this long.
# compose's stop_grace_period is longer, so Docker does not SIGKILL before this runs out.
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "25"))
# Idle keep-alive connections (gthread only). Behind a load balancer set this above the
# balancer's idle timeout (AWS ALB: 60s), or it may reuse a connection gunicorn just closed (502).
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "5"))

# Recycle workers now and then so a slow leak cannot grow forever; jitter avoids all at once.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = max_requests // 10

# Load the app once in the master: workers share its memory and an import error stops startup
# instead of crash-looping workers. Django opens no database connection at import time.
preload_app = True

# Container logging: everything to stdout/stderr, one line per request with the client address
# the proxy saw, the status, bytes and the time taken in microseconds.
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
access_log_format = '%(h)s "%({x-forwarded-for}i)s" %(t)s "%(r)s" %(s)s %(B)s %(D)sus "%(a)s"'
# The calendar feed's URL carries its token, the feed's only key: the request line, path and
# referrer are logged with it masked (/feeds/<token>.ics). src/ is on the path by then.
logger_class = "taskmanager.logs.GunicornLogger"

# Which peers may set X-Forwarded-Proto/-For for gunicorn itself (Django reads them through
# SECURE_PROXY_SSL_HEADER and TRUSTED_PROXY_COUNT). In compose, nginx's address is not fixed.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# No gunicornc control socket: nothing here uses it, and its default path ($HOME/.gunicorn) is
# shared by every gunicorn of the user on the host and may not be writable in the container.
control_socket_disable = True

# The worker heartbeat file: in a container /tmp may be a slow overlay filesystem.
# /dev/shm is a private tmpfs per container, not a shared world-writable /tmp.
if Path("/dev/shm").is_dir():  # noqa: S108
    worker_tmp_dir = "/dev/shm"  # noqa: S108

# Requests larger than these are refused before Django sees them.
limit_request_line = 8190
limit_request_fields = 100
