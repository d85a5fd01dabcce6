app_name = "switchboard"
urlpatterns: list = []
