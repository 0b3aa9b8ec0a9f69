"""The LDAR big screens, their JSON endpoints and the statistics pages (included by ``ldar.urls``)."""

from django.urls import path

from lantian.ldar import screens_views as views
from lantian.ldar.screens_statistics import PAGES

urlpatterns = [
    path("screens/city/", views.CityScreen.as_view(), name="screen_city"),
    path("screens/city/data/", views.city_data, name="screen_city_data"),
    path("screens/comparison/", views.ComparisonScreen.as_view(), name="screen_comparison"),
    path("screens/comparison/data/", views.comparison_data, name="screen_comparison_data"),
    path("screens/points/", views.SealPointScreen.as_view(), name="screen_points"),
    path("screens/points/data/", views.points_data, name="screen_points_data"),
    *(
        path(f"statistics/{page}/", views.StatisticsView.as_view(), {"page": page}, name=f"statistics_{page}")
        for page in PAGES
    ),
]
