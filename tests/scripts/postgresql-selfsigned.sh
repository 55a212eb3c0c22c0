#!/usr/bin/env bash
# Source:  PostgreSQL documentation, "Secure TCP/IP Connections with SSL", section
#          "Creating Certificates" (runtime.sgml, sect2 id="ssl-certificate-creation")
# URL:     https://www.postgresql.org/docs/current/ssl-tcp.html#SSL-CERTIFICATE-CREATION
# Repo:    github.com/postgres/postgres, doc/src/sgml/runtime.sgml
#          at commit 183bbd1b6d4376f1b04c02b7a20b55019f6d84f4
# Read:    2026-12-03
# Licence: PostgreSQL Licence (documentation is part of the PostgreSQL source tree)
# Part:    first listing: "a simple self-signed certificate for the server, valid for 365 days"
# Changes: none. The host name is the page's own example value dbhost.yourdomain.com
#          (the page says to replace it with the server's host name).
set -euo pipefail

openssl req -new -x509 -days 365 -nodes -text -out server.crt \
  -keyout server.key -subj "/CN=dbhost.yourdomain.com"

chmod og-rwx server.key
