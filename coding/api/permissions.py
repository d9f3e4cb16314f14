from rest_framework.permissions import BasePermission

from coding import access


class CanCreateProjects(BasePermission):
    message = "Only principal investigators can create projects."

    def has_permission(self, request, view) -> bool:
        return access.can_create_projects(request.user)
