"""The authentication backend: Django's ModelBackend with a cheaper user lookup.

Every signed-in request loads its user once (django.contrib.auth.get_user). ModelBackend does it
with `User._default_manager.get(pk=...)`, and building and compiling that query cost about
0.3 ms of CPU, as much as the read itself. Here the ORM compiles that query once per database
connection, and each lookup runs its SQL and makes the row a User as the ORM does (its
converters, then Model.from_db). What a lookup accepts and refuses is ModelBackend's: the same
row by primary key, then user_can_authenticate() (an inactive user is no user).

Sessions record the backend that logged them in by its dotted path, and Django drops a session
whose path is not in AUTHENTICATION_BACKENDS. Sessions from before this backend name
django.contrib.auth's ModelBackend: accounts.sessions reads that name as this one (RENAMED), so
nobody is logged out by the change.
"""

from __future__ import annotations

from weakref import WeakKeyDictionary

from django.contrib.auth import backends, get_user_model
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import connections, router

PATH = "accounts.backends.ModelBackend"
# Paths sessions may still hold -> the backend that serves them now.
RENAMED = {"django.contrib.auth.backends.ModelBackend": PATH}

# The lookup is compiled for this sentinel primary key, which each call swaps for the real one.
_PROBE = -(2**31) + 17
# Per connection (one per thread): the converters are bound to that connection's operations.
_compiled: WeakKeyDictionary = WeakKeyDictionary()


def _compile(alias: str):
    """(SQL, attribute names of its columns, the ORM's converters by column) of
    `User._default_manager.filter(pk=...)`, as the ORM builds and runs it."""
    model = get_user_model()
    compiler = model._default_manager.filter(pk=_PROBE).query.get_compiler(using=alias)
    sql, params = compiler.as_sql()
    if list(params) != [_PROBE]:
        raise ImproperlyConfigured("accounts.backends: the user lookup's parameters changed.")
    columns = [column for column, _sql, _alias in compiler.select]
    attnames = [column.target.attname for column in columns]
    return sql, attnames, list(compiler.get_converters(columns).items())


def user_by_id(user_id):
    """The user with this primary key, or None: `User._default_manager.get(pk=user_id)`."""
    model = get_user_model()
    try:
        pk = model._meta.pk.to_python(user_id)
    except ValidationError:  # a malformed id in a session is no user, as get() finds none
        return None
    alias = router.db_for_read(model)
    connection = connections[alias]
    if connection not in _compiled:
        _compiled[connection] = _compile(alias)
    sql, attnames, converters = _compiled[connection]
    with connection.cursor() as cursor:
        cursor.execute(sql, [pk])
        row = cursor.fetchone()
    if row is None:
        return None
    values = list(row)
    for position, (functions, expression) in converters:
        for convert in functions:
            values[position] = convert(values[position], expression, connection)
    return model.from_db(alias, attnames, values)


class ModelBackend(backends.ModelBackend):
    def get_user(self, user_id):
        user = user_by_id(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None
