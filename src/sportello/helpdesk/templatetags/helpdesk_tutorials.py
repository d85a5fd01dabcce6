"""`{% tutorials_for "hiring:apply" %}`: links to the ready tutorials that explain a page."""

from django import template

from sportello.helpdesk.models import Tutorial

register = template.Library()


@register.inclusion_tag("helpdesk/tutorials/_links.html")
def tutorials_for(page: str) -> dict:
    """`page` is the URL name a coordinator chose in the tutorial's "linked from the page"."""
    tutorials = Tutorial.objects.filter(explains=page, status=Tutorial.Status.READY).only(
        "slug", "title", "duration_seconds"
    )
    return {"tutorials": list(tutorials)}
