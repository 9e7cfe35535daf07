"""One editor per catalog row, chosen by the row's kind (field_base.py says what every field is)."""

from __future__ import annotations

from realtime_gui.api.catalog import Kind, Parameter
from realtime_gui.qt.ui.form.choice_fields import (
    ChecksField,
    OpenChoiceField,
    bool_field,
    choice_field,
    group_field,
    single_list_field,
)
from realtime_gui.qt.ui.form.field_base import Field
from realtime_gui.qt.ui.form.number_field import NumberField
from realtime_gui.qt.ui.form.text_fields import JsonField, LineField, TextField


def make_field(row: Parameter) -> Field:
    """The editor for `row`'s kind."""
    kind = row.kind
    if kind is Kind.GROUP:
        return group_field(row)
    if kind is Kind.CHOICE:
        return OpenChoiceField(row) if row.open else choice_field(row)
    if kind is Kind.JSON:
        return OpenChoiceField(row) if row.literals else JsonField(row)
    if kind is Kind.BOOL:
        return bool_field(row)
    if kind in (Kind.NUMBER, Kind.INTEGER):
        return choice_field(row) if row.choices else NumberField(row)
    if kind is Kind.MULTI_CHOICE:
        return single_list_field(row) if row.max_items == 1 else ChecksField(row)
    if kind is Kind.TEXT:
        return TextField(row)
    return LineField(row)
