#!/usr/bin/env bash
# Source:  PostgreSQL documentation, "Secure TCP/IP Connections with SSL", section
#          "Creating Certificates" (runtime.sgml, sect2 id="ssl-certificate-creation")
# URL:     https://www.postgresql.org/docs/current/ssl-tcp.html#SSL-CERTIFICATE-CREATION
# Repo:    github.com/postgres/postgres, doc/src/sgml/runtime.sgml
#          at commit 183bbd1b6d4376f1b04c02b7a20b55019f6d84f4
# Read:    2026-12-03
# Licence: PostgreSQL Licence (documentation is part of the PostgreSQL source tree)
# Part:    third listing: "a chain of trust that includes intermediate certificates"
# Changes: none. Host names are the page's own example values root.yourdomain.com,
#          intermediate.yourdomain.com and dbhost.yourdomain.com. Note: as on the page,
#          extensions for the root and intermediate come from the system file
#          /etc/ssl/openssl.cnf (section v3_ca); it is read, not written.
set -euo pipefail

# root
openssl req -new -nodes -text -out root.csr \
  -keyout root.key -subj "/CN=root.yourdomain.com"
chmod og-rwx root.key
openssl x509 -req -in root.csr -text -days 3650 \
  -extfile /etc/ssl/openssl.cnf -extensions v3_ca \
  -signkey root.key -out root.crt

# intermediate
openssl req -new -nodes -text -out intermediate.csr \
  -keyout intermediate.key -subj "/CN=intermediate.yourdomain.com"
chmod og-rwx intermediate.key
openssl x509 -req -in intermediate.csr -text -days 1825 \
  -extfile /etc/ssl/openssl.cnf -extensions v3_ca \
  -CA root.crt -CAkey root.key -CAcreateserial \
  -out intermediate.crt

# leaf
openssl req -new -nodes -text -out server.csr \
  -keyout server.key -subj "/CN=dbhost.yourdomain.com"
chmod og-rwx server.key
openssl x509 -req -in server.csr -text -days 365 \
  -CA intermediate.crt -CAkey intermediate.key -CAcreateserial \
  -out server.crt
