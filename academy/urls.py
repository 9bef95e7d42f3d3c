from django.contrib import admin
from django.urls import include, path

from academy import views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz/", views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("accounts/", include("accounts.urls")),
    path("learn/", include("lessons.urls")),
    path("quiz/", include("quiz.urls")),
]
