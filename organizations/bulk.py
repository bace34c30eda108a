"""Fast inserts for batch registration: COPY on PostgreSQL, bulk_create elsewhere.

Only organizations.actions calls this, inside the transaction that also
appends the batch's ledger entries.
"""

import io
from datetime import date, datetime

from django.db import connection
from django.utils import timezone

from .models import Organization, ServiceField


def insert_organizations(orgs):
    now = timezone.now()
    for org in orgs:
        org.created_at = org.updated_at = now
    if connection.vendor != "postgresql":
        Organization.objects.bulk_create(orgs)
        ServiceField.objects.bulk_create(
            [ServiceField(organization=o, field=f) for o in orgs for f in o._fields_of_service])
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                       [Organization._meta.db_table, len(orgs)])
        for org, (pk,) in zip(orgs, cursor.fetchall()):
            org.pk = pk
        _copy(cursor, Organization, orgs, Organization._meta.concrete_fields)
        fields = [f for f in ServiceField._meta.concrete_fields if not f.primary_key]
        links = [ServiceField(organization_id=o.pk, field=f) for o in orgs for f in o._fields_of_service]
        _copy(cursor, ServiceField, links, fields)
    for org in orgs:
        org._state.adding = False


def _copy(cursor, model, objs, fields):
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    buf = io.StringIO()
    for obj in objs:
        buf.write("\t".join(_value(getattr(obj, f.attname)) for f in fields))
        buf.write("\n")
    buf.seek(0)
    cursor.cursor.copy_expert(f"COPY {connection.ops.quote_name(model._meta.db_table)} ({columns}) FROM STDIN", buf)


def _value(value):
    if value is None:
        return r"\N"
    if value is True or value is False:
        return "t" if value else "f"
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return str(value).replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
