#!/bin/sh
# Like the official image: options alone mean "nats-server <options>".
set -e
case "${1:-}" in
  -*) set -- /usr/local/bin/nats-server "$@" ;;
esac
exec "$@"
