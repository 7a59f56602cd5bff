#!/bin/sh
# Container entrypoint: apply migrations (one container at a time, see migrate_locked), then
# replace this shell with the command (gunicorn by default) so it receives SIGTERM directly.
#   MIGRATE_ON_START=0   skip migrations (run them as a separate release step instead)
set -eu

cd /app
if [ "${MIGRATE_ON_START:-1}" = "1" ]; then
    python manage.py migrate_locked --timeout "${MIGRATE_LOCK_TIMEOUT:-300}"
fi
exec "$@"
