from django.urls import path

from loket.payments.simulator import views

app_name = "simulator"
urlpatterns = [
    path("bills/<str:billing_code>", views.bill_status, name="bill-status"),
    path("bayar/<str:billing_code>/", views.pay, name="pay"),
]
