"""Calls and rule sets: create, publish (freezing the rule set), derive a rule-set version."""

import json

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from sportello.audit.log import record
from sportello.hiring.models import Call, RuleSetVersion
from sportello.hiring.rules import RuleSetError, derive_version, parse_ruleset


def do_publish(call: Call, *, by) -> None:
    with transaction.atomic():
        call = Call.objects.select_for_update().get(pk=call.pk)
        if call.phase != Call.Phase.DRAFT:
            raise ValidationError(_("This call is already published."))
        if call.closes_at <= call.opens_at:
            raise ValidationError(_("The window must close after it opens."))
        if not call.requests.exists() or not call.job_centres.exists():
            raise ValidationError(_("Choose at least one staffing request and one job centre."))
        call.frozen_ruleset = call.ruleset.definition
        call.phase, call.published_at = Call.Phase.PUBLISHED, timezone.now()
        call.save()
        record("hiring.call_published", actor=by, obj=call, details={"ruleset": str(call.ruleset)})


def do_derive_ruleset(base: RuleSetVersion, definition_text: str, *, by) -> RuleSetVersion:
    """Store a new version of `base` whose definition is the edited JSON text."""
    try:
        data = json.loads(definition_text)
        if not isinstance(data, dict):
            raise RuleSetError(_("the definition must be a JSON object"))
        data = {k: v for k, v in data.items() if k not in ("name", "version", "derived_from")}
        with transaction.atomic():
            latest = RuleSetVersion.objects.filter(name=base.name).aggregate(v=Max("version"))["v"]
            top = RuleSetVersion.objects.get(name=base.name, version=latest)
            derived = derive_version(parse_ruleset(top.definition), data)
            derived_dict = derived.to_dict()
            derived_dict["derived_from"] = base.version
            stored = RuleSetVersion.objects.create(
                name=derived.name,
                version=derived.version,
                legal_source=derived.legal_source,
                definition=derived_dict,
                created_by=by,
            )
            record("hiring.ruleset_derived", actor=by, obj=stored)
            return stored
    except (ValueError, RuleSetError) as exc:
        raise ValidationError(_("The rule set is not valid: %(error)s") % {"error": exc}) from exc
    except IntegrityError as exc:
        raise ValidationError(_("Someone saved a new version at the same time; retry.")) from exc
