app_name = "hiring"
urlpatterns: list = []
