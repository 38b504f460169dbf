"""Reader queries built and compiled once, then run with new values.

A reader page runs a dozen queries of the same shape on every request; only values change
(a story's id, its dates, "now"). Building a queryset (filter, joins, clones) and compiling
it costs the ORM several times what the database spends running it. A `prepared` query is a
function returning a `values()`/`values_list()` queryset made with `Param`s where values go:
it is built and compiled once per database connection (and per `shape`, for what cannot be a
value: a list's length, a LIMIT), and each call runs the SQL with the values given, through
Django's cursor (so query counts and logging see it), turning columns into Python values with
the compiler's own converters, as `values()` does.

A Param stands for a value, never for SQL the ORM writes differently by value: `field=None`
becomes `IS NULL` in the ORM, but `= NULL` here (no rows), so a Param must not be None where
the ORM would test for NULL.
"""

import functools
import weakref
from collections import OrderedDict
from dataclasses import dataclass

from django.core.exceptions import EmptyResultSet
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Expression
from django.db.models.query import (
    FlatValuesListIterable,
    ValuesIterable,
    ValuesListIterable,
)


class Param(Expression):
    """A value given at each run of a prepared query, adapted for the database as its
    `output_field` (the field it is compared with or stands for) adapts it."""

    def __init__(self, name, output_field):
        super().__init__(output_field=output_field)
        self.name = name

    def __repr__(self):
        return f"Param({self.name!r})"

    def as_sql(self, compiler, connection):
        # The Param itself marks its place among the parameters; `Statement` replaces it.
        return "%s", (self,)

    def get_group_by_cols(self):
        return []

    def value(self, values, connection):
        """Its value among `values`, ready for the database."""
        return self.output_field.get_db_prep_value(values[self.name], connection)


class ParamList(Param):
    """A list of `length` values given as one list at each run, for `__in`: the length is
    part of the query's shape. Empty, it matches nothing, as `__in=[]` does."""

    def __init__(self, name, output_field, length):
        super().__init__(name, output_field)
        self.length = length

    def as_sql(self, compiler, connection):
        if not self.length:
            raise EmptyResultSet
        return f"({', '.join(['%s'] * self.length)})", [
            Item(self, index) for index in range(self.length)
        ]


@dataclass(frozen=True)
class Item:
    """One value of a ParamList, marking its place among the parameters."""

    param: ParamList
    index: int

    @property
    def name(self):
        return self.param.name

    def value(self, values, connection):
        given = values[self.name]
        if len(given) != self.param.length:
            raise TypeError(f"{self.name} takes {self.param.length} values, not {len(given)}.")
        return self.param.output_field.get_db_prep_value(given[self.index], connection)


class Statement:
    """One compiled query: its SQL, where each Param sits among the parameters, and how its
    rows come back."""

    def __init__(self, queryset, connection):
        if queryset._iterable_class not in ROW_SHAPES:
            raise TypeError("A prepared query returns values() or values_list() rows.")
        self.make_rows = ROW_SHAPES[queryset._iterable_class]
        query = queryset.query
        compiler = query.get_compiler(connection=connection)
        try:
            self.sql, params = compiler.as_sql()
        except EmptyResultSet:
            self.sql, params = None, ()
        self.params = list(params)
        self.slots = [
            (position, marker)
            for position, marker in enumerate(self.params)
            if isinstance(marker, Param | Item)
        ]
        self.names = {marker.name for _, marker in self.slots}
        self.columns = (
            list(query.selected)
            if query.selected
            else [*query.extra_select, *query.values_select, *query.annotation_select]
        )
        selected = [column for column, _, _ in compiler.select[: compiler.col_count]]
        self.col_count = compiler.col_count
        self.converters = list(compiler.get_converters(selected).items())

    def run(self, connection, values):
        if self.sql is None:
            return []
        # A value may go unused: an empty ParamList leaves no place in the SQL.
        if missing := self.names - values.keys():
            raise TypeError(f"This query also takes {sorted(missing)}.")
        params = self.params.copy()
        for position, marker in self.slots:
            params[position] = marker.value(values, connection)
        with connection.cursor() as cursor:
            cursor.execute(self.sql, params)
            rows = cursor.fetchall()
        if self.converters:
            rows = [self.convert(list(row), connection) for row in rows]
        return self.make_rows(self, rows)

    def convert(self, row, connection):
        for position, (converters, expression) in self.converters:
            value = row[position]
            for converter in converters:
                value = converter(value, expression, connection)
            row[position] = value
        return row


ROW_SHAPES = {
    ValuesIterable: lambda statement, rows: [
        # A row may carry more columns than it names (ordering by what is not selected).
        dict(zip(statement.columns, row, strict=False))
        for row in rows
    ],
    ValuesListIterable: lambda statement, rows: [tuple(row[: statement.col_count]) for row in rows],
    FlatValuesListIterable: lambda statement, rows: [row[0] for row in rows],
}


# Compiled statements kept per query and connection, the most recently used: a shape is a
# list's length or a page's offset, which readers choose (a long thread's pages).
SHAPES_KEPT = 256


class prepared:  # noqa: N801 (a decorator, named as one)
    """Decorate `build(*shape)`, which returns a values()/values_list() queryset made with
    Params: calling it with `(*shape, **values)` returns the rows (dicts, tuples or flat
    values) the queryset would give with those values. `using` names the database."""

    def __init__(self, build):
        functools.update_wrapper(self, build)
        self.build = build
        # Per connection (one per thread and database): converters belong to it.
        self.statements = weakref.WeakKeyDictionary()

    def __call__(self, *shape, using=DEFAULT_DB_ALIAS, **values):
        connection = connections[using]
        compiled = self.statements.setdefault(connection, OrderedDict())
        statement = compiled.get(shape)
        if statement is None:
            statement = compiled[shape] = Statement(self.build(*shape), connection)
            if len(compiled) > SHAPES_KEPT:
                compiled.popitem(last=False)
        else:
            compiled.move_to_end(shape)
        return statement.run(connection, values)
