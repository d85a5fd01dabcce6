from django.urls import path

from sportello.switchboard import views_config, views_recordings

app_name = "switchboard"
urlpatterns = [
    path("config/", views_config.config_home, name="config"),
    path("config/prompts/", views_config.prompt_list, name="prompts"),
    path("config/flows/<int:pk>/versions/", views_config.flow_versions, name="flow_versions"),
    path("config/<slug:section>/", views_config.section_list, name="config_list"),
    path("config/<slug:section>/new/", views_config.section_edit, name="config_new"),
    path("config/<slug:section>/<int:pk>/", views_config.section_edit, name="config_edit"),
    path("recordings/<int:pk>/audio/", views_recordings.recording_audio, name="recording_audio"),
]

from sportello.switchboard import views_desktop  # noqa: E402

urlpatterns += [
    path("desktop/", views_desktop.desktop, name="desktop"),
    path("desktop/wrap-up/", views_desktop.wrap_up, name="wrap_up"),
    path("desktop/services/", views_desktop.choose_services, name="choose_services"),
    path("live/", views_desktop.live, name="live"),
    path("live/state/", views_desktop.set_state, name="live_state"),
]

from sportello.switchboard import views_citizen  # noqa: E402

urlpatterns += [
    path("citizens/", views_citizen.lookup, name="citizens"),
    path("citizens/<int:pk>/", views_citizen.citizen_file, name="citizen_file"),
]

from sportello.switchboard import views_reports, views_supervision  # noqa: E402

urlpatterns += [
    path("reports/", views_reports.report_page, name="reports"),
    path("reports/schedules/", views_reports.schedules, name="report_schedules"),
    path("reports/help/", views_supervision.metrics_help, name="metrics_help"),
    path("reports/erlang/", views_supervision.erlang, name="erlang"),
    path("reports/forecast/", views_supervision.forecast, name="forecast"),
    path("wallboard/", views_supervision.wallboard, name="wallboard"),
    path("wallboard/data/", views_supervision.wallboard_data, name="wallboard_data"),
]
