# One name for the mobile number everywhere (GLOSSARY: 手机号 → mobile).

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("org", "0003_center_path"),
    ]

    operations = [
        migrations.RenameField(model_name="staff", old_name="phone", new_name="mobile"),
        migrations.RenameField(model_name="applicant", old_name="phone", new_name="mobile"),
    ]
