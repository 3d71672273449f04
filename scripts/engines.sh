# Sourced by scripts/test and scripts/bench: real Kafka + PostgreSQL on test ports, started
# only if not already running, and stopped on exit only if this run started them.
ROOT="$PWD"  # functions below may run after a cd (the EXIT trap)
export PYTHON="$ROOT/.venv/bin/python"
# Test engines have their own ports so `make run` (Kafka on 9092) can stay up meanwhile.
export KAFKA_PORT="${TEST_KAFKA_PORT:-19292}" KAFKA_CONTROLLER_PORT="${TEST_KAFKA_CONTROLLER_PORT:-19293}"
export KAFKA_DATA_DIR="${TEST_KAFKA_DATA_DIR:-$ROOT/.run/test-kafka}"
export PG_PORT="${TEST_PG_PORT:-5433}"
export TEST_KAFKA_BOOTSTRAP="127.0.0.1:$KAFKA_PORT"

engines_down() {
  "$ROOT/scripts/kafka-local" stop --purge || true
  "$ROOT/scripts/postgres-local" stop || true
}

engines_up() {
  trap engines_down EXIT
  "$ROOT/scripts/kafka-local" start
  "$ROOT/scripts/postgres-local" start
  TEST_POSTGRES_URL="$("$ROOT/scripts/postgres-local" url)"
  export TEST_POSTGRES_URL
}
