#!/usr/bin/env bash
# Makes the local PostgreSQL cluster ready for the benchmarks and prints the connection string of their role (what
# COMPLIANCE_BENCH_POSTGRES would hold): installs Debian's postgresql where it is missing, starts the first cluster
# where it is down (it is left running: others may use it), and gives the role compliance_bench the right to create
# the databases each run makes and drops. Run as root, as .ci/run does for the tests.
set -euo pipefail
if ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
  (export DEBIAN_FRONTEND=noninteractive; apt-get update -qq && apt-get install -y -qq postgresql >/dev/null) >&2
fi
read -r version cluster port < <(pg_lsclusters -h | awk 'NR == 1 {print $1, $2, $3}')
pg_ctlcluster "$version" "$cluster" start >/dev/null 2>&1 || true
su postgres -c "psql -p $port -qAt -v ON_ERROR_STOP=1" >/dev/null <<'SQL'
SET client_min_messages = warning;
SELECT 'CREATE ROLE compliance_bench LOGIN CREATEDB'
WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'compliance_bench') \gexec
ALTER ROLE compliance_bench LOGIN CREATEDB PASSWORD 'compliance_bench';
-- Each database of a run is dropped WITH (FORCE), which must end an autovacuum worker that may be on it.
GRANT pg_signal_backend TO compliance_bench;
SQL
echo "Host=127.0.0.1;Port=$port;Username=compliance_bench;Password=compliance_bench;Database=postgres"
