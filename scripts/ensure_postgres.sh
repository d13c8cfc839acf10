#!/usr/bin/env bash
# PostgreSQL on 127.0.0.1:5432 with trust for local connections (user postgres), as the CI
# machines have it: the machine's own if it answers, else Debian's, installed and started.
# Used by .ci/run and scripts/rehearsal.py.
set -euo pipefail
PGHOST=${PGHOST:-127.0.0.1}
PGPORT=${PGPORT:-5432}

pg_up() { pg_isready -q -h "$PGHOST" -p "$PGPORT" 2>/dev/null; }

if pg_up; then exit 0; fi
echo "No PostgreSQL answers on $PGHOST:$PGPORT; installing and starting Debian's."
if ! command -v pg_ctlcluster >/dev/null; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
fi
version=$(ls /etc/postgresql | sort -V | tail -n 1)
sed -i -E 's/^(host\s+all\s+all\s+127\.0\.0\.1\/32\s+)\S+/\1trust/; s/^(local\s+all\s+postgres\s+)\S+/\1trust/' \
  "/etc/postgresql/$version/main/pg_hba.conf"
pg_ctlcluster --skip-systemctl-redirect "$version" main start || pg_ctlcluster "$version" main restart
for _ in $(seq 30); do pg_up && exit 0; sleep 1; done
echo "PostgreSQL did not start" >&2
exit 1
