"""Create the two staff groups and make the application history append-only in the database."""
from django.contrib.auth.management import create_permissions
from django.db import migrations

COUNTER_STAFF = "柜台工作人员"
CONTENT_ADMINS = "内容管理员"
CONTENT_MODELS = [
    "procedure", "state", "transition", "requirement", "fee", "notice", "urgentoption", "validityrule",
    "timelimit", "region", "regionrule", "calendarday", "calendaryear",
]


def create_groups(apps, schema_editor):
    # Permissions are normally created after all migrations; this one needs them now.
    for app_label in ("staff", "procedures"):
        app_config = apps.get_app_config(app_label)
        app_config.models_module = True  # the historical app registry's stubs lack it
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    counter, _ = Group.objects.get_or_create(name=COUNTER_STAFF)
    counter.permissions.add(
        Permission.objects.get(content_type__app_label="staff", codename="use_desk"),
        Permission.objects.get(content_type__app_label="staff", codename="view_application"),
    )
    admins, _ = Group.objects.get_or_create(name=CONTENT_ADMINS)
    admins.permissions.add(*Permission.objects.filter(
        content_type__app_label="procedures", content_type__model__in=CONTENT_MODELS))


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=[COUNTER_STAFF, CONTENT_ADMINS]).delete()


# UPDATE is refused on every database. DELETE is refused on PostgreSQL only: Django's
# test flush empties SQLite tables with DELETE (PostgreSQL uses TRUNCATE, which row
# triggers do not see); on SQLite, PROTECT and the model's delete() still stop it.
POSTGRES_FORWARD = """
CREATE OR REPLACE FUNCTION staff_event_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'staff_applicationevent is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER staff_event_no_update BEFORE UPDATE OR DELETE ON staff_applicationevent
    FOR EACH ROW EXECUTE FUNCTION staff_event_append_only();
"""
POSTGRES_REVERSE = """
DROP TRIGGER IF EXISTS staff_event_no_update ON staff_applicationevent;
DROP FUNCTION IF EXISTS staff_event_append_only();
"""
SQLITE_FORWARD = """
CREATE TRIGGER staff_event_no_update BEFORE UPDATE ON staff_applicationevent
BEGIN SELECT RAISE(ABORT, 'staff_applicationevent is append-only'); END;
"""
SQLITE_REVERSE = "DROP TRIGGER IF EXISTS staff_event_no_update;"


def forward_trigger(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_FORWARD)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_FORWARD)


def reverse_trigger(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_REVERSE)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_REVERSE)


class Migration(migrations.Migration):
    dependencies = [
        ("staff", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("procedures", "0004_seed_procedures"),
    ]
    operations = [
        migrations.RunPython(create_groups, remove_groups),
        migrations.RunPython(forward_trigger, reverse_trigger),
    ]
