"""The API's own addresses, included last under /api/v1/ (config.urls): the catch-all comes after every app's."""

from django.urls import path, re_path

from restapi import views

urlpatterns = [
    path("schema/", views.SchemaView.as_view(), name="schema"),
    path("docs/", views.DocsView.as_view(url_name="api:schema"), name="docs"),
    # Anything else under /api/v1/ answers a JSON 404, not the site's HTML page.
    re_path(r"^(?P<path>.*)$", views.not_found),
]
