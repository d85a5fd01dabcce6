from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils.translation import get_language, get_language_info

register = template.Library()


@register.simple_tag(takes_context=True)
def language_links(context):
    """One link per language to this same page, so switching works without JavaScript."""
    request = context["request"]
    current = get_language()
    links = []
    for code, _name in settings.LANGUAGES:
        info = get_language_info(code)
        links.append(
            {
                "code": code,
                "name": info["name_local"],
                "url": translate_url(request.get_full_path(), code),
                "current": code == current,
            }
        )
    return links


@register.simple_tag
def field_widget(field):
    """Render a bound field's widget with Bootstrap classes and ARIA links to help and errors."""
    attrs = {}
    widget = field.field.widget
    input_type = getattr(widget, "input_type", None)
    if input_type == "checkbox":
        attrs["class"] = "form-check-input"
    elif input_type == "select" or widget.__class__.__name__.endswith("Select"):
        attrs["class"] = "form-select"
    else:
        attrs["class"] = "form-control"
    described = []
    if field.help_text:
        described.append(f"{field.auto_id}_help")
    if field.errors:
        described.append(f"{field.auto_id}_error")
        attrs["aria-invalid"] = "true"
        attrs["class"] += " is-invalid"
    if described:
        attrs["aria-describedby"] = " ".join(described)
    return field.as_widget(attrs=attrs)
