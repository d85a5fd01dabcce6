"""Store the built-in rule sets as version rows (idempotent)."""

from django.db import migrations


def seed(apps, schema_editor):
    from sportello.hiring.rules import builtin_rulesets

    RuleSetVersion = apps.get_model("hiring", "RuleSetVersion")
    for ruleset in builtin_rulesets().values():
        RuleSetVersion.objects.get_or_create(
            name=ruleset.name,
            version=ruleset.version,
            defaults={"legal_source": ruleset.legal_source, "definition": ruleset.to_dict()},
        )


class Migration(migrations.Migration):
    dependencies = [("hiring", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
