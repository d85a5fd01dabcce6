"""Entry points that product apps add to the home page and to "My area".

An app registers its links in its AppConfig.ready():

    navigation.register("citizen", _("Public job calls"), "hiring:call_list")
    navigation.register("staff", _("Calls and rankings"), "hiring:office_home",
                        roles=[Role.OPERATOR, Role.MANAGER])

Areas: "citizen" (home page, everyone), "area" (My area, any logged-in user), "staff" (My area,
staff holding one of `roles`).
"""

from dataclasses import dataclass

from django.urls import reverse


@dataclass(frozen=True)
class Link:
    area: str
    label: str
    url_name: str
    roles: tuple[str, ...] = ()


_links: list[Link] = []


def register(area: str, label, url_name: str, roles=()) -> None:
    link = Link(area, label, url_name, tuple(roles))
    if link not in _links:
        _links.append(link)


def links_for(request, area: str) -> list[dict]:
    from sportello.accounts.roles import has_role

    user = request.user
    found = []
    for link in _links:
        if link.area != area:
            continue
        if link.roles and not (user.is_authenticated and has_role(user, *link.roles)):
            continue
        found.append({"label": link.label, "url": reverse(link.url_name)})
    return found
