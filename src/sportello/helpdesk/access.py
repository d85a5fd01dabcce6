"""Who may do what on the help desk's staff pages, and over which offices."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from sportello.accounts.roles import Role, has_role, office_ids_for
from sportello.helpdesk.models import Booking, Mediator, Place

# Operators and switchboard agents book on the phone; mediators and coordinators too.
BOOKERS = (Role.COORDINATOR, Role.MEDIATOR, Role.OPERATOR, Role.AGENT)
COORDINATORS = (Role.COORDINATOR,)
STATISTICS = (Role.COORDINATOR, Role.MANAGER)


def places_for(user):
    ids = office_ids_for(user, *COORDINATORS)
    places = Place.objects.select_related("office")
    return places if ids is None else places.filter(office_id__in=ids)


def mediators_for(user):
    ids = office_ids_for(user, *COORDINATORS)
    mediators = Mediator.objects.select_related("user")
    if ids is None:
        return mediators
    return mediators.filter(
        user__role_assignments__role=Role.MEDIATOR, user__role_assignments__office_id__in=ids
    ).distinct()


def place_for(user, pk) -> Place:
    return get_object_or_404(places_for(user), pk=pk)


def mediator_for(user, pk) -> Mediator:
    return get_object_or_404(mediators_for(user), pk=pk)


def booking_for(user, pk, *, write: bool = False) -> Booking:
    """A booking the user may see: their own as mediator, their offices' as coordinator."""
    found = get_object_or_404(Booking.objects.select_related("mediator__user", "place"), pk=pk)
    if found.mediator.user_id == user.pk:
        return found
    if has_role(user, *COORDINATORS):
        ids = office_ids_for(user, *COORDINATORS)
        if ids is None or found.place.office_id in ids:
            return found
    if not write and has_role(user, Role.OPERATOR, Role.AGENT):
        return found
    raise PermissionDenied
