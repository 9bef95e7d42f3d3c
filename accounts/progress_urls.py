from django.urls import path

from accounts import views

# Mounted at /me/ (the learner's own pages), apart from /accounts/ whose auth views keep Django's
# global names.
app_name = "me"

urlpatterns = [
    path("", views.me, name="progress"),
    path("export/", views.export, name="export"),
    path("delete/", views.delete, name="delete"),
    path("instructor/", views.instructor, name="instructor"),
]
