"""The public waiting-room board, outside the staff area: /papan/<office>/."""

from django.urls import path

from loket.onsite.views import board

app_name = "board"

urlpatterns = [
    path("<str:office>/", board.board_page, name="page"),
    path("<str:office>/data.json", board.board_data, name="data"),
]
