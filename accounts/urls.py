from django.urls import include, path

from accounts import views

# Django's auth views keep their global names (login, logout, password_reset, ...): the auth views
# reverse them without a namespace.
urlpatterns = [
    path("signup/", views.signup, name="signup"),
    path("", include("django.contrib.auth.urls")),
]
