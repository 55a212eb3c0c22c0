#!/usr/bin/env bash
# Source:  PostgreSQL documentation, "Secure TCP/IP Connections with SSL", section
#          "Creating Certificates" (runtime.sgml, sect2 id="ssl-certificate-creation")
# URL:     https://www.postgresql.org/docs/current/ssl-tcp.html#SSL-CERTIFICATE-CREATION
# Repo:    github.com/postgres/postgres, doc/src/sgml/runtime.sgml
#          at commit 183bbd1b6d4376f1b04c02b7a20b55019f6d84f4
# Read:    2026-12-03
# Licence: PostgreSQL Licence (documentation is part of the PostgreSQL source tree)
# Part:    second listing: a root CA and a server certificate signed by it
# Changes: none. Host names are the page's own example values root.yourdomain.com and
#          dbhost.yourdomain.com. Note: as on the page, the root certificate's extensions
#          come from the system file /etc/ssl/openssl.cnf (section v3_ca), "the default
#          OpenSSL configuration file location on Linux"; it is read, not written.
set -euo pipefail

# create a certificate signing request (CSR) and a public/private key file
openssl req -new -nodes -text -out root.csr \
  -keyout root.key -subj "/CN=root.yourdomain.com"
chmod og-rwx root.key

# sign the request with the key to create a root certificate authority
openssl x509 -req -in root.csr -text -days 3650 \
  -extfile /etc/ssl/openssl.cnf -extensions v3_ca \
  -signkey root.key -out root.crt

# create a server certificate signed by the new root certificate authority
openssl req -new -nodes -text -out server.csr \
  -keyout server.key -subj "/CN=dbhost.yourdomain.com"
chmod og-rwx server.key

openssl x509 -req -in server.csr -text -days 365 \
  -CA root.crt -CAkey root.key -CAcreateserial \
  -out server.crt
