#!/usr/bin/env bash
# Three Compliance nodes on one PostgreSQL database, each its own process on this machine, as a load balancer would
# have them: two with the API and a worker (http://127.0.0.1:5081 and :5082) and one worker (:5083, which answers only
# /health/*). Ctrl+C stops all three.
#
#   deploy/many-nodes.sh ["Npgsql connection string"]
#
# The connection string defaults to $COMPLIANCE_POSTGRES, else the local cluster's database compliance (README,
# "Running on PostgreSQL", creates it). The admin key is $COMPLIANCE_ADMIN_KEY, else a new one, printed. Each node writes
# its log to $COMPLIANCE_NODES_LOGS (default: a new folder under /tmp) and spools uploads to a folder of its own.
set -euo pipefail
cd "$(dirname "$0")/.."

connection=${1:-${COMPLIANCE_POSTGRES:-"Host=127.0.0.1;Port=5432;Username=compliance;Password=compliance;Database=compliance"}}
admin_key=${COMPLIANCE_ADMIN_KEY:-$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')}
logs=${COMPLIANCE_NODES_LOGS:-$(mktemp -d /tmp/compliance-nodes.XXXXXX)}
mkdir -p "$logs"

dotnet build Api -c Release -nologo -v q
dll=$PWD/Api/bin/Release/net10.0/Compliance.Api.dll

pids=()
stop() {
  trap - EXIT INT TERM
  [ ${#pids[@]} -gt 0 ] && kill "${pids[@]}" 2>/dev/null
  wait 2>/dev/null
}
trap stop EXIT INT TERM

# start NAME PORT ROLES: one node, from Api/ as its content root (as `dotnet run --project Api` has it).
start() {
  (cd Api && exec env \
    Compliance__Database__Provider=Postgres \
    Compliance__Database__ConnectionString="$connection" \
    Compliance__Roles="$3" \
    Compliance__BootstrapAdminKey="$admin_key" \
    Compliance__Ingest__SpoolDirectory="data/spool-$1" \
    dotnet "$dll" --urls "http://127.0.0.1:$2") >"$logs/$1.log" 2>&1 &
  pids+=($!)
}

# The three start at once: they take turns on the migrations (an advisory lock), and share Hangfire's schema.
start api-1 5081 api,worker
start api-2 5082 api,worker
start worker 5083 worker

for port in 5081 5082 5083; do
  for _ in $(seq 1 120); do
    curl -fsS "http://127.0.0.1:$port/health/ready" >/dev/null 2>&1 && break
    sleep 0.5
  done
  curl -fsS "http://127.0.0.1:$port/health/ready" >/dev/null || { echo "the node on port $port is not ready; see $logs" >&2; exit 1; }
done

echo "ready: API at http://127.0.0.1:5081 and http://127.0.0.1:5082, worker at :5083"
echo "admin key: $admin_key"
echo "logs: $logs"
wait
