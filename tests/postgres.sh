#!/usr/bin/env bash
# The round tests run against a real PostgreSQL server. This makes sure its programs (initdb, pg_ctl,
# postgres) are installed: from Debian's `postgresql` package when they are missing and we are root.
# It starts nothing: tests/postgres.py starts a throwaway server of its own for the tests that need one,
# and no Debian "main" cluster is created or started here.
set -euo pipefail

have_postgres() {
	compgen -G '/usr/lib/postgresql/*/bin/initdb' > /dev/null || command -v initdb > /dev/null
}

have_postgres && exit 0

if [ "$(id -u)" -ne 0 ]; then
	echo "测试需要 PostgreSQL 服务器程序（initdb、pg_ctl），本机没有找到。" >&2
	echo "请先安装：sudo apt-get install postgresql（或以 root 运行 make test，由它安装）。" >&2
	exit 1
fi

echo "安装 PostgreSQL（Debian 的 postgresql 软件包）……"
log=$(mktemp)
# Installing the package would create the "main" cluster and start it as a service. Tell
# postgresql-common not to create it (so there is nothing to start, now or at the next boot), and
# deny service starts for the length of the install unless a policy is already in place.
conf=/etc/postgresql-common/createcluster.d/kaohe-no-main-cluster.conf
policy=/usr/sbin/policy-rc.d
own_policy=
cleanup() {
	rm -f "$log" "$conf"
	[ -z "$own_policy" ] || rm -f "$policy"
}
trap cleanup EXIT
mkdir -p "$(dirname "$conf")"
echo "create_main_cluster = false" > "$conf"
if [ ! -e "$policy" ]; then
	printf '#!/bin/sh\nexit 101\n' > "$policy"
	chmod 755 "$policy"
	own_policy=1
fi

if ! { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends postgresql; } \
	> "$log" 2>&1; then
	cat "$log" >&2
	echo "安装 PostgreSQL 失败（见上面 apt-get 的输出）。" >&2
	exit 1
fi

if ! have_postgres; then
	echo "已安装 postgresql 软件包，但仍找不到 /usr/lib/postgresql/*/bin/initdb。" >&2
	exit 1
fi
