"""The console's widgets write exactly what WTForms' own widgets write, only faster."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
import wtforms
from wtforms import Form
from wtforms.validators import InputRequired, Length, NumberRange, Optional
from wtforms.widgets.core import Select

from services.console import widgets
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


class Inputs(Form):
    text = widgets.StringField("Text", validators=[InputRequired(), Length(min=0, max=20)])
    optional_text = widgets.StringField("Optional", validators=[Optional(), Length(max=2000)])
    number = widgets.IntegerField("Number", validators=[NumberRange(min=-5, max=10)])
    secret = widgets.PasswordField("Secret", validators=[InputRequired(), Length(min=12)])
    flag = widgets.BooleanField("Flag")
    notes = widgets.TextAreaField("Notes", validators=[Length(min=0, max=64)])


# each console field and the WTForms field whose widget it replaces
PAIRS = {"text": wtforms.StringField, "optional_text": wtforms.StringField, "number": wtforms.IntegerField,
         "secret": wtforms.PasswordField, "flag": wtforms.BooleanField, "notes": wtforms.TextAreaField}


@pytest.mark.parametrize("name", sorted(PAIRS))
@pytest.mark.parametrize("data", [None, HOSTILE, 7, True, False, ""])
def test_fast_inputs_write_what_wtforms_writes(name, data):
    field = getattr(Inputs(), name)
    field.data = data
    if name == "number" and isinstance(data, str):
        field.raw_data = [data]  # what a refused form shows back
    attrs = {"class_": "input input--short", "aria_describedby": "hint error", "data_x": HOSTILE, "autofocus": True,
             "hidden": False, "inputmode": "numeric"}
    fast = field.widget(field, **attrs)
    reference = PAIRS[name].widget(field, **attrs)
    assert type(field.widget) is not type(PAIRS[name].widget)
    assert str(fast) == str(reference)
    assert "<script>" not in fast


def test_console_forms_take_their_fields_from_the_widgets_module():
    """A console form that imports one of these fields from wtforms would be drawn by the slow widget."""
    replaced = {"SelectField", "StringField", "IntegerField", "PasswordField", "BooleanField", "TextAreaField"}
    console = Path(widgets.__file__).parent
    offenders = []
    for path in console.rglob("*.py"):
        if path.name == "widgets.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("wtforms"):
                offenders += [f"{path.relative_to(console)}: {alias.name}" for alias in node.names
                              if alias.name in replaced]
            if isinstance(node, ast.Attribute) and node.attr in replaced and \
                    isinstance(node.value, ast.Name) and node.value.id == "wtforms":
                offenders.append(f"{path.relative_to(console)}: wtforms.{node.attr}")
    assert offenders == []
