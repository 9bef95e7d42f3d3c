"""Django's JSON serializer, exact to the microsecond.

Django's JSON encoder cuts datetimes and times to milliseconds, so a backup made with it put
back ``12:00:00.000456`` as ``12:00:00``: a small loss, and a test that failed whenever a row's
``updated_at`` fell in the first millisecond of a second. Here they are written with every digit
(ISO 8601, as ``isoformat()`` gives), which Django's own JSON deserializer reads back exactly.
"""

import datetime

from django.core.serializers.json import Serializer as JSONSerializer


class Serializer(JSONSerializer):
    def _value_from_field(self, obj, field):
        value = field.value_from_object(obj)
        if isinstance(value, datetime.datetime | datetime.time):
            return value.isoformat()
        # Django's private hook (django.core.serializers.python); django-stubs leaves it out.
        return super()._value_from_field(obj, field)  # type: ignore[misc]


def serialize(objects, **options) -> str:
    return Serializer().serialize(objects, **options)
