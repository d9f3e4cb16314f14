import pytest

from coding.models import Role
from tests.factories import MembershipFactory, PIUserFactory, ProjectFactory, UserFactory


@pytest.fixture
def project(db):
    return ProjectFactory()


@pytest.fixture
def pi(project):
    user = PIUserFactory(username="pi-user")
    MembershipFactory(project=project, user=user, role=Role.PI)
    return user


@pytest.fixture
def coder(project):
    user = UserFactory(username="coder-a")
    MembershipFactory(project=project, user=user, role=Role.CODER)
    return user


@pytest.fixture
def outsider(db):
    """A coder of another project."""
    user = UserFactory(username="coder-elsewhere")
    MembershipFactory(project=ProjectFactory(), user=user, role=Role.CODER)
    return user


@pytest.fixture
def client_for(client):
    def login(user):
        client.force_login(user)
        return client

    return login
