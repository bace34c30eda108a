"""The registry clerks' group (registry_clerk) with exactly what their staff pages need.

Other apps add their own permissions to this group in their own migrations.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP = "registry_clerk"
CODENAMES = ["register_organization", "edit_organization", "publish_disclosure"]


def forward(apps, schema_editor):
    # Permissions are normally created after all migrations ran; make ours now.
    app_config = apps.get_app_config("organizations")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=GROUP)
    group.permissions.add(*Permission.objects.filter(content_type__app_label="organizations", codename__in=CODENAMES))


def backward(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name=GROUP).first()
    if group:
        group.permissions.remove(*Permission.objects.filter(content_type__app_label="organizations",
                                                            codename__in=CODENAMES))


class Migration(migrations.Migration):
    dependencies = [
        ("organizations", "0002_search_indexes"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(forward, backward)]
