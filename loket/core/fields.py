"""A text column stored sealed (loket/core/crypto.py) that Python code reads as clear text.

`person.nik` stays the plain NIK for every caller; the database only ever holds
"v1:<key id>:<nonce+ciphertext>". With `hash_field`, the model also keeps a keyed hash of
the value in that column, and `filter(nik=...)` / `filter(nik__in=...)` are answered by the
hash (uniqueness lives there too). Any other lookup on a sealed column is refused: a
substring search over ciphertext would silently find nothing.
"""

from typing import Any

from django.core.exceptions import FieldError
from django.db import models
from django.db.models import Lookup
from django.db.models.expressions import Col

from loket.core.crypto import is_sealed, lookup_hash, open_text, seal_text


class SealedCharField(models.CharField):
    def __init__(self, *args: Any, context: str = "", hash_field: str | None = None, **kwargs: Any):
        self.context = context
        self.hash_field = hash_field
        kwargs.setdefault("max_length", 120)
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        kwargs["context"] = self.context
        if self.hash_field:
            kwargs["hash_field"] = self.hash_field
        return name, path, args, kwargs

    def from_db_value(self, value: str | None, expression: object, connection: object) -> str | None:
        if value is None or not is_sealed(value):
            return value  # a row written before sealing (the migration seals them all)
        return open_text(value, context=self.context)

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value in (None, "") or is_sealed(value):
            return value
        return seal_text(str(value), context=self.context)

    def pre_save(self, model_instance: models.Model, add: bool) -> Any:
        value = super().pre_save(model_instance, add)
        if self.hash_field:
            setattr(model_instance, self.hash_field, self.hash_of(value) if value else None)
        return value

    def hash_of(self, value: str) -> str:
        return lookup_hash(str(value), purpose=self.context)

    def get_lookup(self, lookup_name: str) -> Any:
        if lookup_name not in ("exact", "in", "isnull"):
            raise FieldError(f"{self.name} is sealed: only exact and in lookups (by its keyed hash) are possible")
        return super().get_lookup(lookup_name)


class _ByHash(Lookup):
    prepare_rhs = False  # the clear value is hashed, never sealed

    def _hash_column(self, compiler: Any) -> tuple[str, list[Any], SealedCharField]:
        field = self.lhs.output_field
        if not isinstance(field, SealedCharField) or not field.hash_field or not isinstance(self.lhs, Col):
            raise FieldError(f"{getattr(field, 'name', '?')} is sealed and has no lookup hash")
        hash_field = field.model._meta.get_field(field.hash_field)
        assert isinstance(hash_field, models.Field)
        hash_column = Col(self.lhs.alias, hash_field)
        sql, params = compiler.compile(hash_column)
        return sql, list(params), field


@SealedCharField.register_lookup
class SealedExact(_ByHash):
    lookup_name = "exact"

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        sql, params, field = self._hash_column(compiler)
        return f"{sql} = %s", [*params, field.hash_of(self.rhs)]


@SealedCharField.register_lookup
class SealedIn(_ByHash):
    lookup_name = "in"

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        sql, params, field = self._hash_column(compiler)
        values = [field.hash_of(v) for v in self.rhs]
        if not values:
            return "1 = 0", []
        return f"{sql} IN ({', '.join(['%s'] * len(values))})", [*params, *values]
