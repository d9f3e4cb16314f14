"""The actor-names page."""

from django.contrib.auth.decorators import login_required
from django.urls import path

from coding.detection import views

urlpatterns = [
    path(
        "projects/<slug:slug>/codebook/names/",
        login_required(views.actor_aliases),
        name="actor-aliases",
    ),
]
