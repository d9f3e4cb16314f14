import pytest
from django.db import connections

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


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test databases as pytest-django sets them up, with their serialized contents (what
    a transactional test with serialized rollback starts from, below) kept where every
    connection object finds them. Django's connections are context-local, and Playwright's
    sync API runs the browser tests in a context of their own: there a new connection object
    knew nothing of the contents, so a browser test run after another transactional test found
    the database flushed, without the PI group's permission or the default codebook."""
    for connection in connections.all(initialized_only=True):
        contents = getattr(connection, "_test_serialized_contents", None)
        if contents is not None:
            type(connection)._test_serialized_contents = contents


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items):
    """Tests that commit for real (a live server for the browser, workers in other processes)
    end by flushing the database, which also removes what the migrations installed (the default
    codebook, its actor names, the PI group). Mark them transactional with serialized rollback:
    pytest-django then runs them after the other database tests, and each starts from the
    database as migrated. Runs before pytest-django orders the tests (tryfirst)."""
    for item in items:
        marker = item.get_closest_marker("django_db")
        transactional = marker is not None and marker.kwargs.get("transaction")
        if "live_server" in item.fixturenames or transactional:
            kwargs = {**(marker.kwargs if marker else {}), "transaction": True}
            kwargs["serialized_rollback"] = True
            item.add_marker(pytest.mark.django_db(**kwargs), append=False)
