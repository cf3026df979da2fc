from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ActionForm
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from loket.accounts.models import User
from loket.core.errors import DomainError
from loket.dossier.models import Application, Document, DocumentRule, ReplacementReason, Stage, TimelineEntry
from loket.dossier.timeline import application_advance


class DocumentRuleForm(forms.ModelForm):
    reasons = forms.MultipleChoiceField(
        label=_("alasan penggantian"),
        choices=ReplacementReason.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Kosong: semua alasan"),
    )

    class Meta:
        model = DocumentRule
        fields = ["kind", "service", "reasons", "age_group", "one_of", "active", "position"]


@admin.register(DocumentRule)
class DocumentRuleAdmin(admin.ModelAdmin):
    form = DocumentRuleForm
    list_display = ["kind", "service", "reasons", "age_group", "one_of", "active", "position"]
    list_editable = ["active", "position"]
    list_filter = ["service", "age_group", "active"]


class TimelineInline(admin.TabularInline):
    model = TimelineEntry
    fields = ["stage", "at", "by", "note"]
    readonly_fields = ["stage", "at", "by", "note"]
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class DocumentInline(admin.TabularInline):
    # No link to the file: documents are never served by a URL of their own.
    model = Document
    fields = ["kind", "content_type", "size", "uploaded_at"]
    readonly_fields = ["kind", "content_type", "size", "uploaded_at"]
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class StageActionForm(ActionForm):
    note = forms.CharField(label=_("Catatan untuk pemohon / alasan penolakan"), required=False, max_length=500)


def _advance_action(stage: Stage) -> Callable[..., None]:
    def action(modeladmin: "ApplicationAdmin", request: HttpRequest, queryset: QuerySet[Application]) -> None:
        assert isinstance(request.user, User)
        note = request.POST.get("note", "")
        for application in queryset.select_related("booking__office", "booking__booked_by"):
            try:
                application_advance(application=application, stage=stage, by=request.user, note=note)
            except DomainError as error:
                modeladmin.message_user(request, f"{application.booking.code}: {error.message}", messages.ERROR)
                continue
            # Django's admin log keeps who did what to whose data, and when.
            modeladmin.log_change(request, application, f"{Stage(stage).label}: {note}".strip(": "))
            modeladmin.message_user(request, f"{application.booking.code}: {Stage(stage).label}", messages.SUCCESS)

    action.__name__ = f"move_to_{stage.value}"
    return admin.action(description=_("Pindahkan ke tahap: %s") % stage.label)(action)


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin):
    list_display = ["booking", "applicant_name", "service", "stage", "identity_check", "passport_check", "created_at"]
    list_filter = ["stage", "service", "identity_check", "passport_check", "booking__office"]
    search_fields = ["booking__code"]
    inlines = [DocumentInline, TimelineInline]
    action_form = StageActionForm
    actions = [_advance_action(stage) for stage in Stage if stage != Stage.SUBMITTED]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        # Stages change through the actions only (allowed moves, a timeline entry, a message).
        return [f.name for f in Application._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
