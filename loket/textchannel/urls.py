from django.urls import path

from loket.textchannel import views

app_name = "textchannel"
urlpatterns = [path("", views.phone, name="phone")]
