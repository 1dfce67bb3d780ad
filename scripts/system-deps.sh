#!/usr/bin/env bash
# What the tests need from the machine, installed only when missing (Debian packages; run as root
# or with sudo): PostgreSQL running on 127.0.0.1:5432, Prometheus and Alertmanager for the
# end-to-end test, Chromium and npm for the browser tests.
set -euo pipefail

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

# PostgreSQL is started on this kind of machine before a session; start it if it is not.
if ! pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
  as_root pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start || true
fi

missing=()
command -v prometheus >/dev/null || missing+=(prometheus)
command -v prometheus-alertmanager >/dev/null || missing+=(prometheus-alertmanager)
command -v chromium >/dev/null || missing+=(chromium)
command -v npm >/dev/null || missing+=(nodejs npm)
if [ "${#missing[@]}" -gt 0 ]; then
  # A policy-rc.d that exits 101 keeps the packages' own daemons from starting; the tests run
  # their own Prometheus and Alertmanager on loopback ports.
  as_root sh -c 'printf "#!/bin/sh\nexit 101\n" > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d'
  as_root apt-get update
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
  as_root rm -f /usr/sbin/policy-rc.d
fi
