"""The coder's queues and the coding workspace page."""

from django.urls import path

from coding.workspace import views

urlpatterns = [
    path("queue/", views.my_queue, name="my-queue"),
    path("projects/<slug:slug>/queue/", views.coder_queue, name="coder-queue"),
    path(
        "projects/<slug:slug>/sources/<id:pk>/code/",
        views.workspace,
        name="workspace",
    ),
]
