#!/usr/bin/env bash
# The project's local service stack: PostgreSQL, Redis, Apache Solr 9.10.1 and
# an SMTP server (aiosmtpd, delivering every message into the Maildir
# $STACK_DIR/mail, where the demo's and the tests' mail is read), all real,
# all on 127.0.0.1, all state in $STACK_DIR (git-ignored).
#
#   stack.sh start    start what is not running and healthy (idempotent)
#   stack.sh stop     stop what was started
#   stack.sh status   print each service's health; exit 1 if one is down
#   stack.sh packages install the Debian packages the stack and the build need
#
# Only a dead service is (re)started: no process, or its process gone. A
# service whose process is alive but does not answer may just be slow (a loaded
# machine, a long garbage collection) and may serve a running portal, so it is
# never killed: `start` retries its health check for $STACK_WAIT seconds and
# then fails, naming the process, and leaves it running.
#
# Environment: CKAN_PYTHON (python of the virtualenv that has CKAN installed;
# Solr's schema is that CKAN's plus stack/solr/schema_additions.xml), STACK_DIR, PG_PORT, REDIS_PORT, SOLR_PORT, SMTP_PORT,
# STACK_WAIT (seconds to wait for a live service to answer, default 120),
# STACK_HEALTH_TIMEOUT (seconds one health check may take, default 10).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
STACK_DIR=${STACK_DIR:-$ROOT/.stack}
PG_PORT=${PG_PORT:-5433}
REDIS_PORT=${REDIS_PORT:-6380}
SOLR_PORT=${SOLR_PORT:-8983}
SMTP_PORT=${SMTP_PORT:-8025}
SOLR_VERSION=9.10.1
SOLR_CORES="ckan ckan_test"
CKAN_PYTHON=${CKAN_PYTHON:-$ROOT/.venv/ckan-2.12.0/bin/python}
DB_USER=ckan_default
DB_PASSWORD=pass
DATABASES="ckan_default ckan_test"
STACK_WAIT=${STACK_WAIT:-120}
STACK_HEALTH_TIMEOUT=${STACK_HEALTH_TIMEOUT:-10}

log() { printf '[stack] %s\n' "$*" >&2; }
die() { printf '[stack] ERROR: %s\n' "$*" >&2; exit 1; }

# --- system packages --------------------------------------------------------

pg_bindir() {
  local dir
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  [ -n "$dir" ] && echo "$dir"
}

ensure_packages() {
  local missing=()
  [ -n "$(pg_bindir)" ] || missing+=(postgresql)
  command -v redis-server >/dev/null || missing+=(redis-server)
  [ -f /usr/include/postgresql/libpq-fe.h ] || missing+=(libpq-dev)
  command -v curl >/dev/null || missing+=(curl)
  # The Makefile's virtualenvs need venv/ensurepip (Debian's python3-venv).
  "${PYTHON:-python3}" -c 'import ensurepip' 2>/dev/null || missing+=(python3-venv)
  command -v gcc >/dev/null || missing+=(build-essential)
  # The browser tests drive Debian's chromium through its chromedriver.
  [ -x /usr/bin/chromium ] || missing+=(chromium)
  [ -x /usr/bin/chromedriver ] || missing+=(chromium-driver)
  # The accessibility test installs axe-core from the npm registry with npm.
  command -v npm >/dev/null || missing+=(npm)
  if [ ${#missing[@]} -gt 0 ]; then
    log "installing Debian packages: ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
  command -v java >/dev/null || die "java not found (Java 17 is required)"
  command -v mvn >/dev/null || die "mvn not found (Maven is required)"
}

# --- telling slow from dead ---------------------------------------------------

# The kernel's state letter of process $1 (R running, S sleeping, D in I/O,
# T stopped, Z zombie); empty when there is no such process.
proc_state() { sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1; }

# True when process $1 exists, is not a zombie and is the program $2 (a pid
# left in a stale pid file may belong to another program by now).
process_alive() {
  local state
  [ -n "$1" ] || return 1
  state=$(proc_state "$1")
  [ -n "$state" ] && [ "$state" != Z ] && [ "$state" != X ] \
    && [ "$(cat "/proc/$1/comm" 2>/dev/null)" = "$2" ]
}

# Waits for the live process $2 (program $3) of service $1 until the health
# check $4 passes. Returns 0 when it answers, 1 when the process died meanwhile (dead:
# the caller starts it again); fails `start` when it stays alive and silent.
await_answer() {
  local name=$1 pid=$2 program=$3 healthy=$4 deadline=$((SECONDS + STACK_WAIT))
  log "$name: process $pid is alive (state $(proc_state "$pid")) but does not answer; waiting up to $STACK_WAIT s"
  while [ "$SECONDS" -lt "$deadline" ]; do
    process_alive "$pid" "$program" || { log "$name: process $pid exited"; return 1; }
    if "$healthy"; then
      log "$name: answers again (process $pid)"
      return 0
    fi
    sleep 1
  done
  die "$name: process $pid (state $(proc_state "$pid")) is alive but has not answered for $STACK_WAIT s. It is not restarted: it may be slow and serving a running portal. Run start again later, or stop it (stack.sh stop, or kill $pid) if it is really hung."
}

# --- PostgreSQL -------------------------------------------------------------

# PostgreSQL refuses to run as root and runs as the Debian 'postgres' user,
# which must be able to reach its data folder. When the repository lies below
# a folder that user cannot enter (a clone in /root, say), the data lives in
# /var/tmp instead and $STACK_DIR/postgres links to it.
pg_data() {
  local link=$STACK_DIR/postgres
  if [ -L "$link" ] || [ -d "$link" ]; then
    echo "$link"; return
  fi
  mkdir -p "$STACK_DIR"
  if runuser -u postgres -- test -x "$STACK_DIR" 2>/dev/null && chmod o+rx "$STACK_DIR" 2>/dev/null \
     && runuser -u postgres -- test -x "$STACK_DIR"; then
    mkdir -p "$link"
  else
    local elsewhere
    elsewhere=/var/tmp/gbgopendata-$(printf '%s' "$STACK_DIR" | md5sum | cut -c1-12)/postgres
    mkdir -p "$elsewhere"
    chmod o+rx "$(dirname "$elsewhere")"
    ln -s "$elsewhere" "$link"
  fi
  chown postgres:postgres "$link/" && chmod 700 "$link/"
  echo "$link"
}

as_postgres() { runuser -u postgres -- "$@"; }

pg_healthy() {
  "$(pg_bindir)/pg_isready" -q -t "$STACK_HEALTH_TIMEOUT" -h 127.0.0.1 -p "$PG_PORT" 2>/dev/null
}

# The postmaster's pid, from the data folder's postmaster.pid.
pg_pid() { head -n 1 "$STACK_DIR/postgres/postmaster.pid" 2>/dev/null || true; }

pg_psql() {
  as_postgres "$(pg_bindir)/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -v ON_ERROR_STOP=1 -qAt "$@"
}

pg_start() {
  local data bindir marker
  data=$(pg_data)
  bindir=$(pg_bindir)
  marker=$STACK_DIR/postgres.ready
  if process_alive "$(pg_pid)" postgres; then
    if [ -f "$marker" ]; then
      if pg_healthy || await_answer PostgreSQL "$(pg_pid)" postgres pg_healthy; then
        log "PostgreSQL: running on 127.0.0.1:$PG_PORT"
        return
      fi
    else
      # No portal uses a cluster whose databases were never created.
      log "PostgreSQL: an earlier initialisation did not finish; starting over"
      as_postgres "$bindir/pg_ctl" -D "$data/" stop -m immediate -w >/dev/null 2>&1 || true
    fi
  fi
  if [ ! -f "$data/PG_VERSION" ] || [ ! -f "$marker" ]; then
    # No marker means an earlier initialisation did not finish: start over.
    log "PostgreSQL: initialising a new cluster in $data"
    rm -f "$marker"
    find "$data/" -mindepth 1 -delete
    as_postgres "$bindir/initdb" -D "$data/" -U postgres -E UTF8 --locale=C.UTF-8 \
      --auth-local=trust --auth-host=scram-sha-256 >"$STACK_DIR/postgres-initdb.log" 2>&1 \
      || die "initdb failed, see $STACK_DIR/postgres-initdb.log"
    # The superuser reaches the cluster over loopback without a password;
    # CKAN's role uses its password like in production.
    sed -i '1i host all postgres 127.0.0.1/32 trust' "$data/pg_hba.conf"
  fi
  log "PostgreSQL: starting on 127.0.0.1:$PG_PORT"
  as_postgres "$bindir/pg_ctl" -D "$data/" -l "$data/postgres.log" -w -t 60 \
    -o "-p $PG_PORT -c listen_addresses=127.0.0.1 -k /tmp -c fsync=off -c full_page_writes=off" \
    start >/dev/null || { tail -n 20 "$data/postgres.log" >&2; die "PostgreSQL did not start"; }
  pg_healthy || die "PostgreSQL started but does not answer"
  if [ ! -f "$marker" ]; then
    pg_psql -c "CREATE ROLE $DB_USER LOGIN PASSWORD '$DB_PASSWORD'"
    for db in $DATABASES; do
      pg_psql -c "CREATE DATABASE $db OWNER $DB_USER ENCODING 'UTF8'"
    done
    touch "$marker"
  fi
}

pg_stop() {
  local data=$STACK_DIR/postgres bindir
  bindir=$(pg_bindir) || return 0
  [ -e "$data" ] || return 0
  if as_postgres "$bindir/pg_ctl" -D "$data/" status >/dev/null 2>&1; then
    log "PostgreSQL: stopping"
    as_postgres "$bindir/pg_ctl" -D "$data/" stop -m fast -w >/dev/null
  fi
}

# --- Redis ------------------------------------------------------------------

redis_pidfile() { echo "$STACK_DIR/redis/redis.pid"; }

redis_healthy() {
  # A stopped or hung server must not hang the check.
  [ "$(timeout "$STACK_HEALTH_TIMEOUT" redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null)" = PONG ]
}

pid_alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

kill_pidfile() {
  local pidfile=$1 pid
  pid_alive "$pidfile" || { rm -f "$pidfile"; return 0; }
  pid=$(cat "$pidfile")
  # CONT: a stopped process acts on TERM only once it runs again.
  kill "$pid" 2>/dev/null || true
  kill -CONT "$pid" 2>/dev/null || true
  for _ in $(seq 1 100); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.2
  done
  kill -0 "$pid" 2>/dev/null && kill -9 "$pid" 2>/dev/null || true
  rm -f "$pidfile"
}

redis_start() {
  local pidfile
  pidfile=$(redis_pidfile)
  if process_alive "$(cat "$pidfile" 2>/dev/null)" redis-server \
     && { redis_healthy || await_answer Redis "$(cat "$pidfile")" redis-server redis_healthy; }; then
    log "Redis: running on 127.0.0.1:$REDIS_PORT"
    return
  fi
  rm -f "$pidfile"
  mkdir -p "$STACK_DIR/redis"
  log "Redis: starting on 127.0.0.1:$REDIS_PORT"
  redis-server --daemonize yes --bind 127.0.0.1 --port "$REDIS_PORT" \
    --dir "$STACK_DIR/redis" --pidfile "$pidfile" --logfile "$STACK_DIR/redis/redis.log" \
    --save '' --appendonly no
  for _ in $(seq 1 50); do
    redis_healthy && return
    sleep 0.2
  done
  die "Redis did not answer PING, see $STACK_DIR/redis/redis.log"
}

redis_stop() {
  if pid_alive "$(redis_pidfile)"; then
    log "Redis: stopping"
    kill_pidfile "$(redis_pidfile)"
  fi
}

# --- SMTP -------------------------------------------------------------------

# aiosmtpd (requirements/stack.txt, in CKAN's virtualenv) accepts every
# message on 127.0.0.1:$SMTP_PORT and stores it in the Maildir $SMTP_MAILDIR
# (one file a message under new/): CKAN's mailer sends to it as to any
# SMTP server, and nothing leaves the machine.
SMTP_PIDFILE=$STACK_DIR/smtp/smtp.pid
SMTP_MAILDIR=$STACK_DIR/mail

smtp_healthy() {
  # An SMTP server greets a connection with 220.
  timeout "$STACK_HEALTH_TIMEOUT" "$CKAN_PYTHON" -c "import smtplib,sys; s=smtplib.SMTP('127.0.0.1', $SMTP_PORT, timeout=5); s.quit()" 2>/dev/null
}

smtp_start() {
  if pid_alive "$SMTP_PIDFILE" && { smtp_healthy || await_answer SMTP "$(cat "$SMTP_PIDFILE")" "$(cat "/proc/$(cat "$SMTP_PIDFILE")/comm" 2>/dev/null)" smtp_healthy; }; then
    log "SMTP: running on 127.0.0.1:$SMTP_PORT (mail in $SMTP_MAILDIR)"
    return
  fi
  rm -f "$SMTP_PIDFILE"
  mkdir -p "$STACK_DIR/smtp" "$SMTP_MAILDIR/tmp" "$SMTP_MAILDIR/new" "$SMTP_MAILDIR/cur"
  "$CKAN_PYTHON" -c 'import aiosmtpd' 2>/dev/null || die "aiosmtpd is not installed in $CKAN_PYTHON (make install)"
  log "SMTP: starting on 127.0.0.1:$SMTP_PORT (mail in $SMTP_MAILDIR)"
  setsid nohup "$CKAN_PYTHON" -m aiosmtpd -n -l "127.0.0.1:$SMTP_PORT" \
    -c aiosmtpd.handlers.Mailbox "$SMTP_MAILDIR" >"$STACK_DIR/smtp/smtp.log" 2>&1 </dev/null &
  echo $! >"$SMTP_PIDFILE"
  for _ in $(seq 1 50); do
    smtp_healthy && return
    sleep 0.2
  done
  die "the SMTP server did not answer, see $STACK_DIR/smtp/smtp.log"
}

smtp_stop() {
  if pid_alive "$SMTP_PIDFILE"; then
    log "SMTP: stopping"
    kill_pidfile "$SMTP_PIDFILE"
  fi
}

# --- Solr -------------------------------------------------------------------

SOLR_LAUNCHER=$ROOT/solr-launcher
SOLR_HOME=$STACK_DIR/solr/home
SOLR_PIDFILE=$STACK_DIR/solr/solr.pid
SOLR_LOG=$STACK_DIR/solr/solr.log

solr_url() { echo "http://127.0.0.1:$SOLR_PORT/solr"; }

solr_healthy() {
  local core
  curl -fsS --max-time "$STACK_HEALTH_TIMEOUT" "$(solr_url)/admin/info/system?wt=json" 2>/dev/null | grep -q "\"solr-spec-version\":\"$SOLR_VERSION\"" || return 1
  for core in $SOLR_CORES; do
    curl -fsS --max-time "$STACK_HEALTH_TIMEOUT" "$(solr_url)/$core/admin/ping?wt=json" 2>/dev/null | grep -q '"status":"OK"' || return 1
  done
}

ckan_schema() {
  "$CKAN_PYTHON" -c 'import ckan, os; print(os.path.join(os.path.dirname(ckan.__file__), "config", "solr", "schema.xml"))'
}

solr_build() {
  local cp=$SOLR_LAUNCHER/target/classpath.txt jar=$SOLR_LAUNCHER/target/gbgopendata-solr-launcher-1.0.0.jar
  if [ -f "$cp" ] && [ -f "$jar" ] && [ -z "$(find "$SOLR_LAUNCHER/pom.xml" "$SOLR_LAUNCHER/src" -newer "$jar" -type f)" ]; then
    return
  fi
  log "Solr: building the launcher (Maven, solr-test-framework $SOLR_VERSION)"
  (cd "$SOLR_LAUNCHER" && mvn -q -B package >"$STACK_DIR/solr-build.log" 2>&1) \
    || { tail -n 30 "$STACK_DIR/solr-build.log" >&2; die "building the Solr launcher failed"; }
}

# The portal's schema: the installed CKAN's schema.xml with the project's
# Swedish and English fields spliced in (stack/solr/build_schema.py), written
# to $STACK_DIR/solr/schema.xml; prints its path.
project_schema() {
  local schema out=$STACK_DIR/solr/schema.xml
  schema=$(ckan_schema) || die "CKAN is not installed for $CKAN_PYTHON (run make install)"
  [ -f "$schema" ] || die "CKAN's Solr schema not found at $schema"
  mkdir -p "$STACK_DIR/solr"
  "$CKAN_PYTHON" "$ROOT/stack/solr/build_schema.py" "$schema" "$out" || die "building the Solr schema failed"
  echo "$out"
}

# A digest of everything a core's analysis depends on: the built schema and
# every file of stack/solr/conf (the word lists too).
solr_conf_digest() {
  local schema=$1
  { sha256sum <"$schema"; (cd "$ROOT/stack/solr/conf" && find . -type f -print0 | sort -z | xargs -0 sha256sum); } \
    | sha256sum | cut -d' ' -f1
}

# Lays out the Solr home: one core per name in $SOLR_CORES, each with the
# project's solrconfig.xml, word lists and schema (CKAN's plus ours). When
# any of them changes (another CKAN version, a new analyser or word list),
# that core's index is dropped: CKAN's index is derived data, rebuilt with
# `ckan search-index rebuild`.
solr_layout() {
  local schema digest core dir
  schema=$(project_schema)
  digest=$(solr_conf_digest "$schema")
  mkdir -p "$SOLR_HOME"
  cp "$ROOT/stack/solr/solr.xml" "$SOLR_HOME/solr.xml"
  for core in $SOLR_CORES; do
    dir=$SOLR_HOME/$core
    mkdir -p "$dir/conf"
    if [ "$(cat "$dir/conf.digest" 2>/dev/null)" != "$digest" ]; then
      [ -d "$dir/data" ] && log "Solr: schema or word lists changed, dropping the index of core $core (rebuild it with ckan search-index rebuild)"
      rm -rf "$dir/data" "$dir/conf"
      mkdir -p "$dir/conf"
    fi
    cp -R "$ROOT"/stack/solr/conf/. "$dir/conf/"
    cp "$schema" "$dir/conf/schema.xml"
    printf '%s\n' "$digest" >"$dir/conf.digest"
    printf 'name=%s\n' "$core" >"$dir/core.properties"
  done
}

# True when every core already uses the schema and word lists laid out now.
solr_schema_current() {
  local schema digest core
  schema=$(project_schema) || return 1
  digest=$(solr_conf_digest "$schema")
  for core in $SOLR_CORES; do
    [ "$(cat "$SOLR_HOME/$core/conf.digest" 2>/dev/null)" = "$digest" ] || return 1
  done
}

solr_start() {
  if process_alive "$(cat "$SOLR_PIDFILE" 2>/dev/null)" java \
     && { solr_healthy || await_answer Solr "$(cat "$SOLR_PIDFILE")" java solr_healthy; }; then
    if solr_schema_current; then
      log "Solr: running on $(solr_url)"
      return
    fi
    # Asked for explicitly: another CKAN version, or the project's schema or
    # word lists changed.
    log "Solr: the schema or word lists changed; restarting Solr with them"
    kill_pidfile "$SOLR_PIDFILE"
  elif curl -fsS --max-time "$STACK_HEALTH_TIMEOUT" -o /dev/null "$(solr_url)/admin/info/system" 2>/dev/null; then
    die "port $SOLR_PORT answers but is not this stack's Solr; stop that server first"
  fi
  rm -f "$SOLR_PIDFILE"
  mkdir -p "$STACK_DIR/solr"
  solr_build
  solr_layout
  log "Solr: starting $SOLR_VERSION on $(solr_url)"
  # setsid: Solr must outlive the make/shell that started it.
  setsid java -Xms256m -Xmx768m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 \
    -Dsolr.log.dir="$STACK_DIR/solr" -Dsolr.install.dir="$SOLR_HOME" \
    -Dsolr.lock.type=native -Dlog4j2.formatMsgNoLookups=true \
    -cp "$SOLR_LAUNCHER/target/gbgopendata-solr-launcher-1.0.0.jar:$(cat "$SOLR_LAUNCHER/target/classpath.txt")" \
    se.goteborg.opendata.solr.SolrLauncher "$SOLR_HOME" "$SOLR_PORT" \
    >"$SOLR_LOG" 2>&1 </dev/null &
  echo $! >"$SOLR_PIDFILE"
  for _ in $(seq 1 180); do
    if solr_healthy; then
      log "Solr: healthy (cores: $SOLR_CORES)"
      return
    fi
    pid_alive "$SOLR_PIDFILE" || { tail -n 30 "$SOLR_LOG" >&2; die "Solr exited during start-up"; }
    sleep 0.5
  done
  tail -n 30 "$SOLR_LOG" >&2
  kill_pidfile "$SOLR_PIDFILE"
  die "Solr did not become healthy within 90 s"
}

solr_stop() {
  if pid_alive "$SOLR_PIDFILE"; then
    log "Solr: stopping"
    kill_pidfile "$SOLR_PIDFILE"
  fi
}

# --- commands ---------------------------------------------------------------

# One status line: up, SILENT (alive, not answering: slow, stopped or hung) or DOWN.
service_status() {
  local name=$1 healthy=$2 pid=$3 program=$4 where=$5
  if "$healthy"; then
    printf '%-11s up     %s\n' "$name" "$where"
  elif process_alive "$pid" "$program"; then
    printf '%-11s SILENT process %s alive (state %s), not answering\n' "$name" "$pid" "$(proc_state "$pid")"
    return 1
  else
    printf '%-11s DOWN\n' "$name"
    return 1
  fi
}

status() {
  local down=0
  service_status postgresql pg_healthy "$(pg_pid)" postgres "127.0.0.1:$PG_PORT" || down=1
  service_status redis redis_healthy "$(cat "$(redis_pidfile)" 2>/dev/null)" redis-server "127.0.0.1:$REDIS_PORT" || down=1
  service_status solr solr_healthy "$(cat "$SOLR_PIDFILE" 2>/dev/null)" java "$(solr_url) ($SOLR_VERSION)" || down=1
  service_status smtp smtp_healthy "$(cat "$SMTP_PIDFILE" 2>/dev/null)" "$(cat "/proc/$(cat "$SMTP_PIDFILE" 2>/dev/null)/comm" 2>/dev/null)" "127.0.0.1:$SMTP_PORT ($SMTP_MAILDIR)" || down=1
  return $down
}

case "${1:-}" in
  packages) ensure_packages ;;
  start)
    mkdir -p "$STACK_DIR"
    ensure_packages
    pg_start
    redis_start
    solr_start
    smtp_start
    ;;
  stop)
    smtp_stop
    solr_stop
    redis_stop
    pg_stop
    ;;
  status) status ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
