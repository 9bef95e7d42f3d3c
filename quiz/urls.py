from django.urls import path

from quiz import practice_views, views

app_name = "quiz"

urlpatterns = [
    path("", views.index, name="index"),
    path("progress/", views.progress, name="progress"),
    path("practice/answer/", practice_views.practice_answer_view, name="practice_answer"),
    path("attempts/<uuid:attempt_id>/", views.attempt_detail, name="attempt"),
    path("attempts/<uuid:attempt_id>/questions/<int:number>/", views.question, name="question"),
    path("attempts/<uuid:attempt_id>/answer/", views.answer, name="answer"),
    path("attempts/<uuid:attempt_id>/finish/", views.finish, name="finish"),
    path("attempts/<uuid:attempt_id>/summary/", views.summary, name="summary"),
    path("attempts/<uuid:attempt_id>/retry/", views.retry, name="retry"),
    path("<slug:slug>/start/", views.start, name="start"),
]
