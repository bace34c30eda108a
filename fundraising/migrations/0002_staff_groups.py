"""Staff groups: ministry_reviewer (platform and filing decisions) is created here;
registry_clerk (created by organizations) gains the right to record filings and reports.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUPS = {
    "ministry_reviewer": ["add_platform", "view_platform", "review_platform", "supervise_platform",
                          "manage_api_keys", "view_campaign", "review_campaign"],
    "registry_clerk": ["view_campaign", "file_campaign"],
}


def forward(apps, schema_editor):
    # Permissions are normally created after all migrations ran; make ours now.
    app_config = apps.get_app_config("fundraising")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in GROUPS.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(*Permission.objects.filter(content_type__app_label="fundraising",
                                                         codename__in=codenames))


def backward(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in GROUPS.items():
        group = Group.objects.filter(name=name).first()
        if group:
            group.permissions.remove(*Permission.objects.filter(content_type__app_label="fundraising",
                                                                codename__in=codenames))


class Migration(migrations.Migration):
    dependencies = [
        ("fundraising", "0001_initial"),
        ("organizations", "0003_registry_clerk_group"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(forward, backward)]
