"""The round tests' PostgreSQL is a real server: a real version string, real tables, one database per test."""
from __future__ import annotations

import psycopg
import pytest

from tests.postgres import fresh_database


def test_the_server_is_a_real_postgresql(postgres_url):
    with psycopg.connect(postgres_url) as conn:
        (version,) = conn.execute("select version()").fetchone()
        assert "PostgreSQL" in version
        assert conn.execute("select current_user, current_database()").fetchone() == ("kaohe", "kaohe_test")


def test_a_table_in_the_test_database(postgres_database):
    with psycopg.connect(postgres_database) as conn:
        conn.execute("create table 单位 (id serial primary key, 名称 text not null unique)")
        conn.execute("insert into 单位 (名称) values (%s), (%s)", ["鹿城区", "龙湾区"])
        assert conn.execute("select 名称 from 单位 order by id").fetchall() == [("鹿城区",), ("龙湾区",)]
        conn.execute("insert into 单位 (名称) values ('鹿城区') on conflict do nothing")
        assert conn.execute("select count(*) from 单位").fetchone() == (2,)


@pytest.mark.parametrize("turn", [1, 2])
def test_each_test_gets_its_own_empty_database(postgres_database, turn):
    # Both turns create the same table: the second would fail if it were given the first one's database.
    with psycopg.connect(postgres_database) as conn:
        assert conn.execute("select current_database()").fetchone()[0] != "kaohe_test"
        assert conn.execute("select count(*) from pg_tables where schemaname = 'public'").fetchone() == (0,)
        conn.execute("create table mark (x int)")


def test_two_databases_are_distinct_and_dropped_after(postgres_url):
    def database(url):
        with psycopg.connect(url) as conn:
            return conn.execute("select current_database()").fetchone()[0]

    with fresh_database(postgres_url) as first, fresh_database(postgres_url) as second:
        assert first != second
        with psycopg.connect(first) as conn:
            conn.execute("create table only_in_first (x int)")
        with psycopg.connect(second) as conn:
            assert conn.execute("select to_regclass('only_in_first')").fetchone() == (None,)
        names = [database(first), database(second)]
    assert names[0] != names[1]
    with psycopg.connect(postgres_url) as conn:
        left = conn.execute("select count(*) from pg_database where datname = any(%s)", [names]).fetchone()
    assert left == (0,)
