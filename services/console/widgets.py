"""The console's select field: WTForms' ``SelectField`` with a leaner widget, same HTML.

WTForms 3 renders each option through ``html_params``, which formats every attribute with
``Markup.format`` and inspects ``render_option``'s signature on every render; a page with a few
dozen options (the trigger editor, the alert builder) spent more time there than on its service
reads. ``FastSelect`` writes the same markup (attributes sorted, values escaped, ``True`` as a
bare attribute, ``False`` left out; ``tests/console/test_widgets.py`` compares it with WTForms'
own widget) with plain string building. Option groups and ``multiple`` are kept.
"""

from __future__ import annotations

from typing import Any

import wtforms
from markupsafe import Markup, escape
from wtforms.widgets.core import Select, clean_key


def attributes(values: dict[str, Any]) -> str:
    """``html_params`` of WTForms, without ``Markup.format`` per attribute."""
    out = []
    for name, value in sorted(values.items()):
        if value is True:
            out.append(clean_key(name))
        elif value is not False:
            out.append(f'{clean_key(name)}="{escape(value)}"')
    return " ".join(out)


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
