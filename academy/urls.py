from django.contrib import admin
from django.urls import include, path

from academy import views
from api.endpoints import api

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz/", views.healthz, name="healthz"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("admin/", admin.site.urls),
    path("accounts/", include("accounts.urls")),
    path("me/", include("accounts.progress_urls")),
    path("learn/", include("lessons.urls")),
    path("simulator/", include("simulator.urls")),
    path("api/v1/", api.urls),
    path("tools/", include("tools.urls")),
    path("quiz/", include("quiz.urls")),
]
