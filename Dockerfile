# syntax=docker/dockerfile:1
# taskmanager: gunicorn on 0.0.0.0:9000, static files served by whitenoise, run as a non-root user.
#   docker build -t taskmanager .
#   docker compose -f compose/docker-compose.yml up -d      (see docs/deploy.md)

# --- build: install the pinned dependencies into a venv and collect static files ---------------
FROM python:3.13-slim AS build

ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PATH=/opt/venv/bin:$PATH

RUN python -m venv /opt/venv
# Only the lock file first: this layer is rebuilt when the pins change, not on every code change.
# Every pin has a wheel for linux x86_64/arm64, so no compiler is needed even here.
COPY requirements.txt /tmp/requirements.txt
RUN pip install --no-cache-dir --only-binary=:all: -r /tmp/requirements.txt

WORKDIR /app
COPY manage.py gunicorn.conf.py ./
COPY src ./src
COPY static ./static
COPY scripts/docker-entrypoint.sh ./scripts/docker-entrypoint.sh

# Hashed, gzip and brotli copies of every static file, baked into the image. The key and the
# database below exist for this command only (collectstatic needs settings, not a database).
RUN DEBUG=0 \
    SECRET_KEY=collectstatic-at-build-time-only-never-used-to-sign-anything-0123456789 \
    DATABASE_URL=sqlite:////tmp/build.sqlite3 \
    STATIC_ROOT=/app/staticfiles \
    python manage.py collectstatic --noinput --verbosity 0 \
 && python -m compileall -q src \
 && rm -f /tmp/build.sqlite3

# --- runtime: the venv and the app, nothing else ------------------------------------------------
FROM python:3.13-slim AS runtime

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PATH=/opt/venv/bin:$PATH \
    DEBUG=0 \
    STATIC_ROOT=/app/staticfiles \
    PORT=9000

RUN groupadd --system --gid 10001 app \
 && useradd --system --uid 10001 --gid app --home-dir /app --no-create-home \
    --shell /usr/sbin/nologin app

COPY --from=build /opt/venv /opt/venv
# Owned by root and read-only for the app user: a compromised worker cannot rewrite the code.
COPY --from=build /app /app
WORKDIR /app

USER app:app
EXPOSE 9000

# The same endpoint compose and load balancers use: the database must answer too.
HEALTHCHECK --interval=15s --timeout=5s --start-period=40s --retries=3 \
    CMD ["python", "-c", "import os, sys, urllib.request; r = urllib.request.urlopen(f\"http://127.0.0.1:{os.environ.get('PORT', '9000')}/healthz\", timeout=4); sys.exit(r.status != 200)"]

# gunicorn handles SIGTERM as a graceful shutdown (finish in-flight requests, graceful_timeout).
STOPSIGNAL SIGTERM
ENTRYPOINT ["/app/scripts/docker-entrypoint.sh"]
CMD ["gunicorn", "--config", "/app/gunicorn.conf.py"]
