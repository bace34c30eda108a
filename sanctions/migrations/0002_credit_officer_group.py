"""The credit officers' group (credit_officer): create decisions, attach evidence, remove, record appeals."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP = "credit_officer"
CODENAMES = ["manage_sanctions", "view_decision", "view_evidence", "view_appeal"]


def forward(apps, schema_editor):
    # Permissions are normally created after all migrations ran; make ours now.
    app_config = apps.get_app_config("sanctions")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=GROUP)
    group.permissions.add(*Permission.objects.filter(content_type__app_label="sanctions", codename__in=CODENAMES))


def backward(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name=GROUP).first()
    if group:
        group.permissions.remove(*Permission.objects.filter(content_type__app_label="sanctions",
                                                            codename__in=CODENAMES))


class Migration(migrations.Migration):
    dependencies = [
        ("sanctions", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(forward, backward)]
