#!/bin/sh
# The server binds every interface in its container; the other Temporal services (and the
# internal frontend the system workers use) are told the container's own address.
set -eu
: "${TEMPORAL_BROADCAST_ADDRESS:=$(hostname -i | awk '{print $1}')}"
export TEMPORAL_BROADCAST_ADDRESS
exec temporal-server --root /etc/temporal --config config --env production "$@"
