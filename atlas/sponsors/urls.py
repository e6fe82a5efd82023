app_name = "sponsors"

urlpatterns: list = []
