#!/usr/bin/env bash
# Start a throw-away PostgreSQL server on loopback for the review queue's tests and print its
# SQLAlchemy URL. Installs Debian's postgresql when it is missing. Stop it with: ci_postgres.sh stop
set -euo pipefail
port=${PLANCODER_PG_PORT:-54329}
dir=/tmp/plancoder-ci-pg
if [ "${1:-}" = stop ]; then
  bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
  [ -d "$dir/data" ] && su postgres -c "$bin/pg_ctl -D $dir/data -m fast stop" >/dev/null 2>&1 || true
  rm -rf "$dir"
  exit 0
fi
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
fi
bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
rm -rf "$dir" && mkdir -p "$dir" && chown postgres "$dir"
su postgres -c "$bin/initdb -D $dir/data -A trust -U postgres" >/dev/null
su postgres -c "$bin/pg_ctl -D $dir/data -l $dir/server.log -w -o '-p $port -k $dir -c listen_addresses=127.0.0.1' start" >&2
echo "postgresql+psycopg://postgres@127.0.0.1:$port/postgres"
