"""Each person's date format: how quick add reads a numeric date ("12/24" or "24.12.").

Taken from the browser's language (its Accept-Language header, so it works without JavaScript)
at sign-up, or at the first login of an account from before it existed; chosen on the settings
page after that. Kept in the session like the time zone (accounts.timezones), so quick add reads
it without a query.
"""

from __future__ import annotations

from django.http import HttpRequest

from .models import DateFormat, Profile

SESSION_KEY = "date_format"
DEFAULT = DateFormat.DMY  # most of the world writes the day first

# Where the month comes first (CLDR's short dates): the United States and the places that
# follow its usage. English without a region is American English in browsers.
MONTH_FIRST_REGIONS = {"US", "PH", "FM", "MH", "PW", "AS", "GU", "MP", "PR", "UM", "VI"}
# Where the year comes first; a short date without a year is month/day there.
YEAR_FIRST_LANGUAGES = {"zh", "ja", "ko", "hu", "lt", "mn"}
YEAR_FIRST_REGIONS = {"CN", "JP", "KR", "TW", "HU", "LT", "MN", "CA"}
MAX_HEADER = 1000  # a longer header is read only this far


def is_valid(value) -> bool:
    return value in DateFormat.values


def from_accept_language(header: str) -> str:
    """The order the browser's most preferred language writes dates in."""
    best, best_q = None, -1.0
    for part in header[:MAX_HEADER].split(","):
        tag, _, params = part.strip().partition(";")
        q = 1.0
        if params.strip().startswith("q="):
            try:
                q = float(params.strip()[2:])
            except ValueError:
                q = 0.0
        if tag and tag != "*" and q > best_q:
            best, best_q = tag, q
    if best is None:
        return DEFAULT
    subtags = best.replace("_", "-").split("-")
    language = subtags[0].lower()
    region = next((s.upper() for s in subtags[1:] if len(s) == 2 and s.isalpha()), "")
    if region in MONTH_FIRST_REGIONS or (language == "en" and not region):
        return DateFormat.MDY
    if region in YEAR_FIRST_REGIONS or (language in YEAR_FIRST_LANGUAGES and not region):
        return DateFormat.YMD
    return DEFAULT


def of_user(user) -> str:
    """The format on file ("" when none is yet)."""
    return Profile.objects.filter(user=user).values_list("date_format", flat=True).first() or ""


def set_for_user(request: HttpRequest, user, value: str) -> None:
    """Save `value` as the user's format (one UPDATE, no read) and use it in this session."""
    Profile.objects.filter(user=user).update(date_format=value)
    request.session[SESSION_KEY] = value


def remember_at_login(request: HttpRequest, user) -> None:
    """At login (and sign-up): the format on file, or the browser's, saved when none was."""
    value = of_user(user)
    if not is_valid(value):
        value = from_accept_language(request.headers.get("Accept-Language", ""))
        Profile.objects.filter(user=user, date_format="").update(date_format=value)
    request.session[SESSION_KEY] = value


def of_request(request: HttpRequest) -> str:
    """The logged-in person's format: from the session. A session from before it was kept there
    reads the profile once (or, with none on file, the browser's language: saved at the next
    login, as a read here never writes the profile)."""
    value = request.session.get(SESSION_KEY)
    if not is_valid(value):
        value = of_user(request.user)
        if not is_valid(value):
            value = from_accept_language(request.headers.get("Accept-Language", ""))
        request.session[SESSION_KEY] = value
    return value
