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


def test_console_forms_derive_from_the_console_form():
    """A form built on FlaskForm itself would read WTForms' catalogue from disk on every request and
    bypass the console's per-process one."""
    console = Path(widgets.__file__).parent
    offenders = []
    for path in console.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef) and node.name != "ConsoleForm":
                offenders += [f"{path.relative_to(console)}: {node.name}" for base in node.bases
                              if isinstance(base, ast.Name) and base.id == "FlaskForm"]
    assert offenders == []


def test_form_messages_are_read_once_per_language():
    from services.console.i18n import form_messages

    korean = form_messages("ko")
    assert korean is form_messages("ko") and korean.gettext("Not a valid integer value.") == "올바르지 않은 정수 값입니다."
    assert form_messages("en").gettext("Not a valid integer value.") == "Not a valid integer value."


# The field macro as components.html wrote it before widgets.form_field drew it: the helper must write
# the same markup (label, hint, error, ARIA wiring, input) for every combination.
MACRO_FIELD = """{% macro field(f, hint=None, width=None) -%}
  {%- set described = [] -%}
  {%- if hint %}{% set _ignored = described.append(f.id ~ "-hint") %}{% endif -%}
  {%- if f.errors %}{% set _ignored = described.append(f.id ~ "-error") %}{% endif -%}
  <div class="field{% if f.errors %} field--error{% endif %}">
    <label class="field__label" for="{{ f.id }}">{{ f.label.text }}</label>
    {%- if hint %}<p class="field__hint" id="{{ f.id }}-hint">{{ hint }}</p>{% endif %}
    {%- if f.errors %}
    <p class="field__error" id="{{ f.id }}-error"><span class="visually-hidden">{{ _("Error:") }}</span> {{ f.errors|join(" ") }}</p>
    {%- endif %}
    {%- set attrs = dict(kwargs) -%}
    {%- if described %}{% set _ignored = attrs.update({"aria-describedby": described|join(" ")}) %}{% endif -%}
    {%- if f.errors %}{% set _ignored = attrs.update({"aria-invalid": "true"}) %}{% endif %}
    {{ f(class_="input" ~ (" input--" ~ width if width else ""), **attrs) }}
  </div>
{%- endmacro %}"""


class FieldSample(Form):
    text = wtforms.StringField(HOSTILE)
    number = widgets.IntegerField("Number")
    choice = SelectField("Choice", choices=[("a", HOSTILE), ("b", "B")])
    notes = widgets.TextAreaField("Notes")


@pytest.fixture(scope="module")
def console_app():
    from services.console.app import create_app

    return create_app()


@pytest.mark.parametrize("language", ["en", "ko"])
@pytest.mark.parametrize("name", ["text", "number", "choice", "notes"])
@pytest.mark.parametrize(("hint", "width", "attrs", "errors"), [
    (None, None, {}, []),
    (HOSTILE, None, {}, []),
    (None, "short", {"type": "time", "inputmode": "numeric"}, []),
    (HOSTILE, "medium", {"autocomplete": "off"}, [HOSTILE, "Second"]),
    (None, None, {}, ["Only one"]),
])
def test_form_field_writes_what_the_field_macro_wrote(console_app, name, language, hint, width, attrs, errors):
    from flask_babel import force_locale

    app = console_app
    form = FieldSample(data={"text": HOSTILE, "number": 12, "choice": "a", "notes": HOSTILE})
    field = form[name]
    field.errors = list(errors)
    with app.test_request_context("/"), force_locale(language):
        macro = app.jinja_env.from_string(MACRO_FIELD + "{{ field(f, hint, width, **attrs) }}")
        old = macro.render(f=field, hint=hint, width=width, attrs=attrs)
        new = app.jinja_env.from_string('{% import "components.html" as ui %}{{ ui.field(f, hint, width, **attrs) }}'
                                        ).render(f=field, hint=hint, width=width, attrs=attrs)
    assert new == old
    assert "<script>" not in new
    if errors:
        assert ("오류:" if language == "ko" else "Error:") in new and 'aria-invalid="true"' in new
