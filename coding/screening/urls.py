"""Screening: overview and settings, the screener's page, answers."""

from django.urls import path

from coding.screening import views

urlpatterns = [
    path("projects/<slug:slug>/screening/", views.overview, name="screening"),
    path("projects/<slug:slug>/screening/send/", views.send, name="screening-send"),
    path("projects/<slug:slug>/screening/screen/", views.screen, name="screening-screen"),
    path(
        "projects/<slug:slug>/screening/sources/<id:pk>/answer/",
        views.answer,
        name="screening-answer",
    ),
]
