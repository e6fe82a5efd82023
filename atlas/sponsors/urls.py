from django.urls import path

from atlas.sponsors import views

app_name = "sponsors"

urlpatterns = [
    path("go/<str:token>", views.go, name="go"),
    path("sponsors/seen/<str:token>.gif", views.seen, name="seen"),
    path("sponsors/report/<str:token>/", views.shared_report, name="shared_report"),
    path("sponsors/report/<str:token>/report.csv", views.shared_report_csv, name="shared_csv"),
    path("sponsors/report/<str:token>/chart.svg", views.shared_report_chart, name="shared_chart"),
]
