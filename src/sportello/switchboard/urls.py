from django.urls import path

from sportello.switchboard import views_config

app_name = "switchboard"
urlpatterns = [
    path("config/", views_config.config_home, name="config"),
    path("config/prompts/", views_config.prompt_list, name="prompts"),
    path("config/flows/<int:pk>/versions/", views_config.flow_versions, name="flow_versions"),
    path("config/<slug:section>/", views_config.section_list, name="config_list"),
    path("config/<slug:section>/new/", views_config.section_edit, name="config_new"),
    path("config/<slug:section>/<int:pk>/", views_config.section_edit, name="config_edit"),
]
