"""The console's select widget writes exactly what WTForms' own widget writes, only faster."""

from __future__ import annotations

import pytest
import wtforms
from wtforms import Form
from wtforms.validators import InputRequired
from wtforms.widgets.core import Select

from services.console.widgets import FastSelect, SelectField

HOSTILE = '<script>alert("x")</script> & \' " 배송'


class Sample(Form):
    plain = SelectField("Plain", choices=[("a", "A"), ("b", HOSTILE), ("", "Empty value")])
    required = SelectField("Required", choices=[("1", "One"), ("2", "Two")], validators=[InputRequired()])
    booleans = SelectField("Booleans", choices=[(True, "Yes"), (False, "No")], coerce=bool)
    grouped = SelectField("Grouped", choices={"Korea": [("seoul", "서울"), ("busan", "부산")],
                                              "<Other>": [("x", "X")]})
    kw = SelectField("With render_kw", choices=[("a", "A", {"disabled": True, "data_note": "n<1>"}), ("b", "B", {})])
    many = wtforms.SelectMultipleField("Many", choices=[("a", "A"), ("b", "B")], widget=FastSelect(multiple=True))


@pytest.mark.parametrize("name", ["plain", "required", "booleans", "grouped", "kw", "many"])
@pytest.mark.parametrize("data", [None, "b", True, ["a", "b"], "seoul"])
def test_fast_select_writes_what_wtforms_writes(name, data):
    form = Sample()
    field = getattr(form, name)
    field.data = data if name != "many" or isinstance(data, list) else [data] if isinstance(data, str) else None
    attrs = {"class_": "input input--short", "aria_describedby": "hint error", "data_x": HOSTILE, "autofocus": True,
             "hidden": False}
    fast = field.widget(field, **attrs)
    reference = Select(multiple=field.widget.multiple)(field, **attrs)
    assert str(fast) == str(reference)
    assert "<script>" not in fast


def test_every_console_select_uses_the_fast_widget():
    assert isinstance(SelectField("x").bind(Sample(), "x").widget, FastSelect)
    assert issubclass(SelectField, wtforms.SelectField)
