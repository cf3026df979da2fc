"""Form pieces every page layer shares: the date widget and a service's refusal on a form."""

from django import forms

from loket.core.errors import DomainError

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def add_domain_error(form: forms.Form, error: DomainError) -> None:
    """Show a service's refusal next to the field it names, else above the form."""
    form.add_error(error.field if error.field in form.fields else None, error.message)
