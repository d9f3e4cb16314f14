from django.urls import path

from . import views

urlpatterns = [
    path("projects/<slug:slug>/sources/", views.source_list, name="source-list"),
    path("projects/<slug:slug>/sources/<int:pk>/", views.source_detail, name="source-detail"),
]
