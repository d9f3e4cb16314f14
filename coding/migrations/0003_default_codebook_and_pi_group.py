"""Ships the default codebook (coding/data/default_codebook.json) and the PI group."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

from coding.access import PI_GROUP
from coding.codebook_io import import_codebook, load_default_codebook_data


def load_codebook(apps, schema_editor):
    import_codebook(load_default_codebook_data(), apps=apps)


def create_pi_group(apps, schema_editor):
    # Permissions are normally created after all migrations; create them now for this app.
    app_config = apps.get_app_config("coding")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=PI_GROUP)
    group.permissions.add(
        Permission.objects.get(content_type__app_label="coding", codename="add_project")
    )


class Migration(migrations.Migration):
    dependencies = [
        ("coding", "0002_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(load_codebook, migrations.RunPython.noop),
        migrations.RunPython(create_pi_group, migrations.RunPython.noop),
    ]
