"""factory_boy factories for every model."""

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from coding.access import PI_GROUP
from coding.models import (
    Activity,
    Actor,
    Area,
    Assignment,
    Codebook,
    Coding,
    CodingChange,
    ConfidenceLevel,
    Membership,
    Project,
    Role,
    WorkerHeartbeat,
)
from sources.models import Origin, Source

CORE_ACTORS = [
    ("China", "CHN", 710),
    ("Russia", "RUS", 365),
    ("Iran", "IRN", 630),
    ("North Korea", "PRK", 731),
]


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.PostGenerationMethodCall("set_password", "pw")

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class PIUserFactory(UserFactory):
    """A user in the PI group, who may create projects."""

    @factory.post_generation
    def pi_group(obj, create, extracted, **kwargs):
        if create:
            group, _ = Group.objects.get_or_create(name=PI_GROUP)
            if not group.permissions.exists():
                from django.contrib.auth.models import Permission

                group.permissions.add(
                    Permission.objects.get(content_type__app_label="coding", codename="add_project")
                )
            obj.groups.add(group)


class CodebookFactory(factory.django.DjangoModelFactory):
    """A small but complete codebook: the four core actors, two areas, three activities."""

    class Meta:
        model = Codebook
        skip_postgeneration_save = True

    name = "Test codebook"
    version = factory.Sequence(lambda n: f"t{n}")

    @factory.post_generation
    def contents(obj, create, extracted, **kwargs):
        if not create or extracted is False:
            return
        for order, (name, iso3, cow) in enumerate(CORE_ACTORS):
            ActorFactory(codebook=obj, name=name, iso3=iso3, cow_code=cow, core=True, order=order)
        contacts = AreaFactory(
            codebook=obj, slug="contacts", label="Contacts", order=1, shortcut="1"
        )
        war = AreaFactory(
            codebook=obj, slug="preparations_for_war", label="Preparations for war", order=3,
            shortcut="3", color="#009E73",
        )  # fmt: skip
        ActivityFactory(area=contacts, slug="heads_of_state", label="Heads of state",
                        contact_level="heads_of_state")  # fmt: skip
        ActivityFactory(area=war, slug="military_exercises", label="Military exercises")
        ActivityFactory(area=war, slug="arms_sales", label="Arms sales", directed=True)
        for value, label in [(1, "low"), (2, "medium"), (3, "high")]:
            ConfidenceLevelFactory(codebook=obj, value=value, label=label)


class ActorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Actor

    codebook = factory.SubFactory(CodebookFactory, contents=False)
    name = "India"
    iso3 = "IND"
    cow_code = 750


class AreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Area

    codebook = factory.SubFactory(CodebookFactory, contents=False)
    slug = factory.Sequence(lambda n: f"area-{n}")
    label = factory.LazyAttribute(lambda a: a.slug.replace("-", " ").title())
    color = "#E69F00"


class ActivityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Activity

    area = factory.SubFactory(AreaFactory)
    slug = factory.Sequence(lambda n: f"activity-{n}")
    label = factory.LazyAttribute(lambda a: a.slug.replace("-", " ").title())
    definition = "What the activity covers."


class ConfidenceLevelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ConfidenceLevel

    codebook = factory.SubFactory(CodebookFactory, contents=False)
    value = 2
    label = "medium"


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Project

    slug = factory.Sequence(lambda n: f"project-{n}")
    name = factory.Sequence(lambda n: f"Project {n}")
    codebook = factory.SubFactory(CodebookFactory)
    created_by = factory.SubFactory(PIUserFactory)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    project = factory.SubFactory(ProjectFactory)
    user = factory.SubFactory(UserFactory)
    role = Role.CODER


class SourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Source

    project = factory.SubFactory(ProjectFactory)
    title = factory.Sequence(lambda n: f"Article {n}")
    outlet = "Example Wire"
    origin = Origin.PASTE
    text = factory.Sequence(
        lambda n: f"Article {n}.\n\nChina and Russia held a joint naval patrol in the "
        "Sea of Japan, officials said."
    )


class AssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Assignment

    source = factory.SubFactory(SourceFactory)
    coder = factory.SubFactory(UserFactory)


class CodingFactory(factory.django.DjangoModelFactory):
    """A coding of the first 20 characters of its source, on the source's own codebook."""

    class Meta:
        model = Coding

    source = factory.SubFactory(SourceFactory)
    coder = factory.SubFactory(UserFactory)
    start = 0
    end = 20
    quote = factory.LazyAttribute(lambda c: c.source.text[c.start : c.end])
    dyad_type = "undirected"
    side_a = factory.LazyAttribute(lambda c: c.source.project.codebook.actors.get(iso3="CHN"))
    side_b = factory.LazyAttribute(lambda c: c.source.project.codebook.actors.get(iso3="RUS"))
    activity = factory.LazyAttribute(
        lambda c: Activity.objects.filter(area__codebook=c.source.project.codebook).first()
    )
    area = factory.LazyAttribute(lambda c: c.activity.area)
    confidence = 2


class CodingChangeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CodingChange

    coding = factory.SubFactory(CodingFactory)
    coding_pk = factory.LazyAttribute(lambda c: c.coding.pk)
    source = factory.LazyAttribute(lambda c: c.coding.source)
    user = factory.LazyAttribute(lambda c: c.coding.coder)
    action = CodingChange.Action.CREATE
    version = 1
    after = factory.LazyAttribute(lambda c: {"quote": c.coding.quote})


class WorkerHeartbeatFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WorkerHeartbeat

    hostname = "worker-1"
    token = factory.Sequence(lambda n: f"token-{n}")


# --- review and events (issue 7) ---------------------------------------------------------------


def _now():
    from django.utils import timezone

    return timezone.now()


class DoneAssignmentFactory(AssignmentFactory):
    status = "done"


class EventFactory(factory.django.DjangoModelFactory):
    """An approved event on the project's codebook (CHN-RUS, undirected) without evidence."""

    class Meta:
        model = "coding.Event"
        skip_postgeneration_save = True

    project = factory.SubFactory(ProjectFactory)
    event_id = factory.Sequence(lambda n: f"EV-{n:06d}")
    codebook = factory.LazyAttribute(lambda e: e.project.codebook)
    dyad_type = "undirected"
    side_a = factory.LazyAttribute(lambda e: e.codebook.actors.get(iso3="CHN"))
    side_b = factory.LazyAttribute(lambda e: e.codebook.actors.get(iso3="RUS"))
    activity = factory.LazyAttribute(
        lambda e: Activity.objects.filter(area__codebook=e.codebook).first()
    )
    area = factory.LazyAttribute(lambda e: e.activity.area)
    confidence = 2
    approved_by = factory.SubFactory(PIUserFactory)
    approved_at = factory.LazyFunction(_now)


class EventEvidenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "coding.EventEvidence"

    event = factory.SubFactory(EventFactory)
    coding = factory.SubFactory(
        CodingFactory,
        source=factory.SubFactory(SourceFactory, project=factory.SelfAttribute("...event.project")),
    )
    primary = True


# --- ingestion jobs (issue 4) ---


class IngestJobFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "sources.IngestJob"

    project = factory.SubFactory(ProjectFactory)
    created_by = factory.SubFactory(UserFactory)
    total = 1


class IngestItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "sources.IngestItem"

    job = factory.SubFactory(IngestJobFactory)
    position = factory.Sequence(lambda n: n)
    kind = "url"
    label = factory.Sequence(lambda n: f"https://news.example/{n}")
