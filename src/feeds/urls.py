from django.urls import path

from . import views

app_name = "feeds"

urlpatterns = [
    path("", views.feed_page, name="page"),
    path("on/", views.feed_turn_on, name="turn_on"),
    path("off/", views.feed_turn_off, name="turn_off"),
    path("filter/", views.feed_filter, name="filter"),
    # Public: the token is the only key (see CalendarFeed.objects.by_token).
    path("<str:token>.ics", views.feed_ics, name="ics"),
]
