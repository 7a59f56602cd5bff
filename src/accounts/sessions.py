"""Django's database session store (SESSION_ENGINE), reading a session with a written-out
statement: every request reads its session, and compiling Session.objects.get(...) cost about
0.5 ms of CPU, more than the read itself. Same table, same rows: switching to it logs nobody
out.

A session names the authentication backend that logged it in; one saved under a backend's
former path (accounts.backends.RENAMED) is read with the path that backend has now, so renaming
a backend logs nobody out either."""

from django.contrib.auth import BACKEND_SESSION_KEY
from django.contrib.sessions.backends import db
from django.db import connections, router
from django.utils import timezone

from accounts.backends import RENAMED


class SessionStore(db.SessionStore):
    def _get_session_from_db(self):
        key = self.session_key
        if key:
            model = self.model
            connection = connections[router.db_for_read(model)]
            now = connection.ops.adapt_datetimefield_value(timezone.now())
            sql = (
                f"SELECT session_data FROM {model._meta.db_table}"  # noqa: S608 (our table)
                " WHERE session_key = %s AND expire_date > %s"
            )
            with connection.cursor() as cursor:
                cursor.execute(sql, [key, now])
                row = cursor.fetchone()
            if row is not None:
                # What load() reads of it: the data (the expiry it checks is inside the data).
                return model(session_key=key, session_data=row[0])
        self._session_key = None
        return None

    def decode(self, session_data):
        data = super().decode(session_data)
        backend = data.get(BACKEND_SESSION_KEY)
        if backend in RENAMED:
            data[BACKEND_SESSION_KEY] = RENAMED[backend]
        return data
