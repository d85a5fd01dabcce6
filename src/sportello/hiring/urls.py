from django.urls import path

from sportello.hiring.views import body, citizen, office, public, review

app_name = "hiring"
urlpatterns = [
    path("", public.call_list, name="call_list"),
    path("feed/atom/", public.CallFeed(), name="feed"),
    path("feed/rss/", public.CallRssFeed(), name="feed_rss"),
    path("<int:pk>/", public.call_detail, name="call_detail"),
    path("<int:pk>/ranking/", public.public_ranking, name="public_ranking"),
    path("<int:pk>/apply/", citizen.apply, name="apply"),
    path("mine/", citizen.my_applications, name="my_applications"),
    path("applications/<int:pk>/", citizen.application_detail, name="application"),
    path("applications/<int:pk>/receipt.pdf", citizen.receipt, name="receipt"),
    path("applications/<int:pk>/withdraw/", citizen.withdraw, name="withdraw"),
    path("applications/<int:pk>/appeal/", citizen.appeal, name="appeal"),
    path("attachments/<int:pk>/", citizen.attachment, name="attachment"),
    path("office/", office.office_home, name="office_home"),
    path("office/requests/<int:pk>/", office.request_decide, name="office_request"),
    path("office/calls/new/", office.call_edit, name="call_new"),
    path("office/calls/<int:pk>/", office.call_manage, name="office_call"),
    path("office/calls/<int:pk>/edit/", office.call_edit, name="call_edit"),
    path("office/calls/<int:pk>/do/<slug:action>/", office.call_action, name="call_action"),
    path("office/calls/<int:pk>/assisted/", review.assisted, name="assisted"),
    path("office/calls/<int:pk>/export/<slug:kind>.<slug:fmt>", review.export, name="export"),
    path("office/applications/<int:pk>/", review.verify, name="verify"),
    path("office/appeals/<int:pk>/", review.appeal_decide, name="appeal_decide"),
    path("office/rulesets/", office.rulesets, name="rulesets"),
    path("office/rulesets/<int:pk>/derive/", office.ruleset_derive, name="ruleset_derive"),
    path("body/requests/", body.my_requests, name="my_requests"),
    path("body/requests/new/", body.request_edit, name="request_new"),
    path("body/requests/<int:pk>/", body.request_edit, name="request_edit"),
    path("body/calls/<int:pk>/candidates/", body.candidates, name="candidates"),
    path("body/candidates/<int:pk>/", body.candidate_outcome, name="candidate_outcome"),
]
