from django.urls import path

from simulator import events, views

app_name = "simulator"

urlpatterns = [
    path("", views.index, name="index"),
    path("rows/add/", views.add_row, name="add_row"),
    path("rows/remove/", views.remove_row, name="remove_row"),
    path("details/", views.details, name="details"),
    path("predict/", views.predict, name="predict"),
    path("replay/", views.replay_view, name="replay"),
    path("monte-carlo/", views.monte_carlo_view, name="monte_carlo"),
    path("embed/<str:preset>/", views.embed, name="embed"),
    # Recorded crashes replayed (simulator/events.py)
    path("events/", events.events, name="events"),
    path("events/upload/", events.upload, name="events_upload"),
    path("events/upload/forget/", events.forget_upload, name="events_forget_upload"),
    path("events/embed/<slug:slug>/", events.embed, name="events_embed"),
]
