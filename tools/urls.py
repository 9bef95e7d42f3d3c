from django.urls import path

from tools import views
from tools.catalog import TOOLS

app_name = "tools"

# One named URL per calculator (`tools:liquidation-price`), so links to a tool read as its name.
urlpatterns = [
    path("", views.index, name="index"),
    *(path(f"{slug}/", views.tool_page, {"slug": slug}, name=slug) for slug in TOOLS),
]
