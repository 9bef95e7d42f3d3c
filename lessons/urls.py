from django.urls import path

from lessons import views

app_name = "lessons"

urlpatterns = [
    path("", views.index, name="index"),
    path("search/", views.search, name="search"),
    path("glossary/", views.glossary, name="glossary"),
    path("concepts/<str:concept_id>/", views.concept_lesson, name="concept"),
    path("<slug:module_slug>/<slug:lesson_slug>/", views.lesson_detail, name="lesson"),
    path(
        "<slug:module_slug>/<slug:lesson_slug>/complete/",
        views.lesson_complete,
        name="complete",
    ),
]
