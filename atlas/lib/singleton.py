"""Settings kept in a table of one row: the model and its admin."""

from __future__ import annotations

from typing import Any, Self

from django.contrib import admin
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect


class SingletonModel(models.Model):
    """One row (primary key 1), made with its defaults the first time it is read."""

    class Meta:
        abstract = True

    @classmethod
    def current(cls) -> Self:
        row, _ = cls._default_manager.get_or_create(pk=1)
        return row


class SingletonAdmin(admin.ModelAdmin):
    """The row is edited, never added or deleted; the list opens the row itself."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        meta = self.model._meta
        row = self.model.current()
        return redirect(f"admin:{meta.app_label}_{meta.model_name}_change", row.pk)
