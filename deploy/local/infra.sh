#!/usr/bin/env bash
# Makes sure NATS (with JetStream), Redis and PostgreSQL listen on their default ports here.
# Whatever already listens is used as it is; what is missing is installed from Debian's
# packages and started. Idempotent: run it as often as you like.
set -euo pipefail

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
STATE_DIR="${CHAT_GUARD_STATE_DIR:-/var/lib/chat-guard}"
APT_UPDATED=""

say() { printf '[infra] %s\n' "$*" >&2; }

listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

wait_for_port() {
  local port=$1 name=$2
  for _ in $(seq 1 60); do
    if listening "$port"; then say "$name is listening on 127.0.0.1:$port"; return 0; fi
    sleep 0.5
  done
  say "ERROR: $name did not start listening on 127.0.0.1:$port within 30 s"
  return 1
}

apt_install() {
  if [ -z "$APT_UPDATED" ]; then
    say "apt-get update"
    $SUDO apt-get update -qq
    APT_UPDATED=1
  fi
  say "installing $* from Debian's packages"
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

ensure_nats() {
  if listening 4222; then say "NATS already listens on 4222"; return; fi
  command -v nats-server >/dev/null 2>&1 || [ -x /usr/sbin/nats-server ] || apt_install nats-server
  local bin; bin=$(command -v nats-server || echo /usr/sbin/nats-server)
  $SUDO mkdir -p "$STATE_DIR/nats"
  say "starting nats-server with JetStream"
  $SUDO start-stop-daemon --start --oknodo --background --exec "$bin" -- \
    -a 127.0.0.1 -p 4222 -js -sd "$STATE_DIR/nats" -l "$STATE_DIR/nats-server.log"
  wait_for_port 4222 NATS
}

ensure_redis() {
  if listening 6379; then say "Redis already listens on 6379"; return; fi
  command -v redis-server >/dev/null 2>&1 || apt_install redis-server
  $SUDO mkdir -p "$STATE_DIR/redis"
  say "starting redis-server"
  # Redis holds only what is hot and disposable (see ARCHITECTURE.md): no persistence.
  $SUDO redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no \
    --dir "$STATE_DIR/redis" --logfile "$STATE_DIR/redis.log"
  wait_for_port 6379 Redis
}

ensure_postgres() {
  if ! listening 5432; then
    if ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then apt_install postgresql; fi
    local version; version=$(ls /usr/lib/postgresql | sort -V | tail -n 1)
    if ! pg_lsclusters -h 2>/dev/null | awk '{print $1" "$2}' | grep -qx "$version main"; then
      say "creating PostgreSQL $version cluster"
      $SUDO pg_createcluster "$version" main >/dev/null
    fi
    say "starting PostgreSQL $version"
    $SUDO pg_ctlcluster --skip-systemctl-redirect "$version" main start
    wait_for_port 5432 PostgreSQL
  else
    say "PostgreSQL already listens on 5432"
  fi
  ensure_local_trust
  if ! psql_admin -tAc "select 1 from pg_database where datname = 'test'" | grep -q 1; then
    say "creating database test (used by the test suite)"
    psql_admin -c 'create database test' >/dev/null
  fi
}

psql_admin() { PGCONNECT_TIMEOUT=5 psql -w -h 127.0.0.1 -U postgres -d postgres -v ON_ERROR_STOP=1 "$@"; }

# psql as the postgres OS user, over the local socket (peer authentication).
as_postgres() {
  if [ -z "$SUDO" ]; then runuser -u postgres -- "$@"; else sudo -u postgres "$@"; fi
}

# A fresh Debian cluster asks for passwords over TCP. For this local set-up, let the local
# postgres role in from 127.0.0.1 without one, as the default DATABASE_URL expects.
ensure_local_trust() {
  if psql_admin -tAc 'select 1' >/dev/null 2>&1; then return; fi
  local hba; hba=$(as_postgres psql -tAc 'show hba_file' 2>/dev/null || true)
  if [ -z "$hba" ]; then
    say "ERROR: cannot log in to PostgreSQL on 127.0.0.1:5432 as postgres; set DATABASE_URL"
    return 1
  fi
  say "allowing the postgres role from 127.0.0.1 without a password ($hba)"
  $SUDO sed -i '1i host all postgres 127.0.0.1/32 trust\nhost all postgres ::1/128 trust' "$hba"
  as_postgres psql -tAc 'select pg_reload_conf()' >/dev/null
  psql_admin -tAc 'select 1' >/dev/null
}

# A URL set to another host or port is someone else's server: use it as given, manage nothing.
local_default() { # $1 the variable's name, $2 the default port
  local value="${!1:-}"
  [ -z "$value" ] && return 0
  case "$value" in *"127.0.0.1:$2"* | *"localhost:$2"*) return 0 ;; esac
  say "$1 points elsewhere ($(printf '%s' "$value" | sed -E 's#//[^@/]*@#//#')): not starting anything for it"
  return 1
}

if local_default NATS_URL 4222; then ensure_nats; fi
if local_default REDIS_URL 6379; then ensure_redis; fi
if local_default DATABASE_URL 5432; then ensure_postgres; fi
