from django.urls import path

from simulator import views

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
]
