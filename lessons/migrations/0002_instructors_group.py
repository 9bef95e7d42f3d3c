"""Create the "Instructors" group with every permission on the course content.

Quiz permissions are added by lessons.instructors.grant_instructor_permissions after each migrate
(post_migrate), once the quiz app's permissions exist.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations


def create_instructors_group(apps, schema_editor):
    # Permissions are normally created after all migrations; make the lessons ones exist now.
    lessons_config = apps.get_app_config("lessons")
    lessons_config.models_module = True
    create_permissions(lessons_config, apps=apps, verbosity=0)
    lessons_config.models_module = None

    from lessons.instructors import grant_instructor_permissions

    grant_instructor_permissions(apps)


def remove_instructors_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name="Instructors").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("lessons", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_instructors_group, remove_instructors_group)]
