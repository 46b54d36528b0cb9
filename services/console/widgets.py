"""The console's form fields: WTForms' own, drawn by leaner widgets that write the same HTML.

WTForms 3 writes every attribute through ``html_params``, which formats each one with
``Markup.format``, and renders each option after inspecting ``render_option``'s signature; a page
with a few dozen inputs and options (the trigger editor, the alert builder) spent more time there
than on its service reads. These widgets write the same markup (attributes sorted, values escaped,
``True`` as a bare attribute, ``False`` left out; ``tests/console/test_widgets.py`` compares each
with WTForms' own widget) with plain string building. Option groups and ``multiple`` are kept.
Console forms import these fields from here, not from ``wtforms`` (checked by the test).
"""

from __future__ import annotations

from typing import Any

import wtforms
from flask_babel import gettext
from markupsafe import Markup, escape
from wtforms.widgets.core import (
    CheckboxInput,
    Input,
    NumberInput,
    PasswordInput,
    Select,
    TextArea,
    TextInput,
    clean_key,
)


def attributes(values: dict[str, Any]) -> str:
    """``html_params`` of WTForms, without ``Markup.format`` per attribute."""
    out = []
    for name, value in sorted(values.items()):
        if value is True:
            out.append(clean_key(name))
        elif value is not False:
            out.append(f'{clean_key(name)}="{escape(value)}"')
    return " ".join(out)


def html_params(**values: Any) -> str:
    """:func:`attributes` as WTForms' widgets call ``html_params``."""
    return attributes(values)


class FastSelect(Select):
    """WTForms' ``Select`` widget, rendered with :func:`attributes`."""

    def __call__(self, field, **kwargs):
        kwargs.setdefault("id", field.id)
        if self.multiple:
            kwargs["multiple"] = True
        flags = getattr(field, "flags", None)
        for name in self.validation_attrs:
            if name not in kwargs and getattr(flags, name, None):
                kwargs[name] = getattr(flags, name)
        html = [f"<select {attributes({'name': field.name, **kwargs})}>"]
        if field.has_groups():
            for group, choices in field._iter_groups_normalized():
                if group is not None:
                    html.append(f"<optgroup {attributes({'label': group})}>")
                html.extend(_option(choice) for choice in choices)
                if group is not None:
                    html.append("</optgroup>")
        else:
            html.extend(_option(choice) for choice in field._iter_choices_normalized())
        html.append("</select>")
        return Markup("".join(html))


def _option(choice) -> str:
    value = str(choice.value) if isinstance(choice.value, bool) else choice.value
    options = {"value": value, **(choice.render_kw or {})}
    if choice.selected:
        options["selected"] = True
    return f"<option {attributes(options)}>{escape(choice.label or choice.value)}</option>"


class SelectField(wtforms.SelectField):
    """``wtforms.SelectField`` drawn by :class:`FastSelect`; every console form uses this one."""

    widget = FastSelect()


class LeanInput(Input):
    """WTForms' ``Input`` with :func:`attributes`, asking the field's flags for the validation attributes
    by name (WTForms lists every name of the flags with ``dir`` on each input drawn). The input widgets
    below put it after their WTForms class, so that class's own ``__call__`` (a checkbox's ``checked``,
    a password's hidden value) runs first and then this one."""

    html_params = staticmethod(html_params)

    def __call__(self, field, **kwargs):
        kwargs.setdefault("id", field.id)
        kwargs.setdefault("type", self.input_type)
        if "value" not in kwargs:
            kwargs["value"] = field._value()
        datalist = getattr(field, "_datalist", None)
        if datalist is not None and "list" not in kwargs:
            kwargs["list"] = datalist if isinstance(datalist, str) else datalist.id
        flags = getattr(field, "flags", None)
        for name in self.validation_attrs:
            value = getattr(flags, name, None)
            if value is not None and name not in kwargs:
                kwargs[name] = value() if callable(value) else value
        return Markup(f"<input {attributes({'name': field.name, **kwargs})}>")


class FastTextInput(TextInput, LeanInput):
    """WTForms' ``TextInput`` drawn by :class:`LeanInput`."""


class FastNumberInput(NumberInput, LeanInput):
    """WTForms' ``NumberInput`` drawn by :class:`LeanInput`."""


class FastPasswordInput(PasswordInput, LeanInput):
    """WTForms' ``PasswordInput`` (never echoes the value) drawn by :class:`LeanInput`."""


class FastCheckboxInput(CheckboxInput, LeanInput):
    """WTForms' ``CheckboxInput`` drawn by :class:`LeanInput`."""


class FastTextArea(TextArea):
    """WTForms' ``TextArea`` with :func:`attributes`."""

    def __call__(self, field, **kwargs):
        kwargs.setdefault("id", field.id)
        flags = getattr(field, "flags", None)
        for name in self.validation_attrs:
            if name not in kwargs and getattr(flags, name, None) is not None:
                kwargs[name] = getattr(flags, name)
        return Markup(f"<textarea {attributes({'name': field.name, **kwargs})}>\r\n{escape(field._value())}</textarea>")


class StringField(wtforms.StringField):
    """``wtforms.StringField`` drawn by :class:`FastTextInput`."""

    widget = FastTextInput()


class IntegerField(wtforms.IntegerField):
    """``wtforms.IntegerField`` drawn by :class:`FastNumberInput`."""

    widget = FastNumberInput()


class PasswordField(wtforms.PasswordField):
    """``wtforms.PasswordField`` drawn by :class:`FastPasswordInput`."""

    widget = FastPasswordInput()


class BooleanField(wtforms.BooleanField):
    """``wtforms.BooleanField`` drawn by :class:`FastCheckboxInput`."""

    widget = FastCheckboxInput()


class TextAreaField(wtforms.TextAreaField):
    """``wtforms.TextAreaField`` drawn by :class:`FastTextArea`."""

    widget = FastTextArea()


def form_field(field, hint: Any = None, width: str | None = None, **attrs: Any) -> Markup:
    """A whole form field, ``ui.field`` of ``components.html``: the label, the hint, the error with its
    ARIA wiring, and the input (``attrs``: its attributes). In Python because a form page draws dozens
    of them and a Jinja macro with keyword arguments costs several times what this does."""
    described = []
    html = [f'<div class="field{" field--error" if field.errors else ""}">\n'
            f'    <label class="field__label" for="{escape(field.id)}">{escape(field.label.text)}</label>']
    if hint:
        described.append(f"{field.id}-hint")
        html.append(f'<p class="field__hint" id="{escape(field.id)}-hint">{escape(hint)}</p>')
    if field.errors:
        described.append(f"{field.id}-error")
        html.append(f'\n    <p class="field__error" id="{escape(field.id)}-error"><span class="visually-hidden">'
                    f'{escape(gettext("Error:"))}</span> {escape(" ".join(str(error) for error in field.errors))}</p>')
        attrs["aria-invalid"] = "true"
    if described:
        attrs["aria-describedby"] = " ".join(described)
    html.append(f'\n    {field(class_="input" + (" input--" + width if width else ""), **attrs)}\n  </div>')
    return Markup("".join(html))
