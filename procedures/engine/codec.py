"""One generic encoder and decoder between the plan's frozen dataclasses and JSON.

A field's JSON key is its name unless its metadata says ``key``; ``flat`` merges a
nested dataclass's keys into its parent (the stored JSON is flat where the plan
is nested); ``omit_empty`` leaves out an empty value; ``skip`` keeps a field out of
JSON altogether. A key missing from stored JSON (a plan stored before the key
existed) takes the field's default.
"""
import dataclasses
import datetime
import enum
import functools
import types
import typing


def key(name, **meta):
    """Return field metadata naming a field's JSON key."""
    return {"key": name, **meta}


def json_field(name=None, *, default=None, flat=False, omit_empty=False, skip=False, factory=None):
    """Return a dataclass field with codec metadata."""
    meta = {"flat": flat, "omit_empty": omit_empty, "skip": skip}
    if name:
        meta["key"] = name
    if factory is not None:
        return dataclasses.field(default_factory=factory, metadata=meta, compare=not skip)
    return dataclasses.field(default=default, metadata=meta, compare=not skip)


@functools.cache
def _hints(cls):
    return typing.get_type_hints(cls)


def _encode_value(value):
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime.date):
        return value.isoformat()
    if dataclasses.is_dataclass(value):
        return encode(value)
    if isinstance(value, tuple | list):
        return [_encode_value(item) for item in value]
    return value


def encode(obj):
    """Return a dataclass instance as JSON-ready data."""
    data = {}
    for field in dataclasses.fields(obj):
        meta = field.metadata
        if meta.get("skip"):
            continue
        value = getattr(obj, field.name)
        if meta.get("flat"):
            data.update(encode(value))
            continue
        if meta.get("omit_empty") and not value:
            continue
        data[meta.get("key", field.name)] = _encode_value(value)
    return data


def _decode_value(hint, value):
    if value is None:
        return None
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        options = [arg for arg in typing.get_args(hint) if arg is not type(None)]
        return _decode_value(options[0], value) if len(options) == 1 else value
    if origin is tuple:
        inner = typing.get_args(hint)[0]
        return tuple(_decode_value(inner, item) for item in value)
    if hint is datetime.date:
        return datetime.date.fromisoformat(value) if isinstance(value, str) else value
    if dataclasses.is_dataclass(hint):
        return decode(hint, value)
    return value


def decode(cls, data):
    """Return an instance of dataclass ``cls`` from JSON-ready data (the inverse of ``encode``)."""
    hints = _hints(cls)
    kwargs = {}
    for field in dataclasses.fields(cls):
        meta = field.metadata
        if meta.get("skip"):
            continue
        if meta.get("flat"):
            kwargs[field.name] = decode(hints[field.name], data)
            continue
        name = meta.get("key", field.name)
        if name in data:
            kwargs[field.name] = _decode_value(hints[field.name], data[name])
    return cls(**kwargs)
