#!/usr/bin/env bash
# Source:  Eclipse Mosquitto manual page mosquitto-tls(7), "Configure SSL/TLS support for
#          Mosquitto", sections "Certificate Authority", "Server", "Client"
# URL:     https://mosquitto.org/man/mosquitto-tls-7.html
# Repo:    github.com/eclipse/mosquitto, man/mosquitto-tls.7.xml, snapshot commit
#          fb9b1153924ae0e2dfb3bcb4266ee5bb49a5c515 (file last changed in
#          eaaf5790297fc966742583cd4bebfbf77bca2b54, 2024-10-15)
# Read:    2026-12-03
# Licence: EPL-2.0 / EDL-1.0 dual licence (LICENSE.txt)
# Changes: - <duration> (left to the reader) is fixed to 365.
#          - The page lists each command without context; both of its "Generate a server
#            key" commands (with -aes256, then "without encryption") are run in its order, so
#            the second overwrites server.key and the CSR is made from the unencrypted key.
#          - Pass phrases the commands prompt for are given on the command line:
#            CA key (req -new -x509 -keyout): -passout pass:mosquitto-ca, and -passin
#            pass:mosquitto-ca where ca.key is read (x509 -CAkey); encrypted server key:
#            -passout pass:mosquitto-server; encrypted client key: -passout
#            pass:mosquitto-client, and -passin pass:mosquitto-client for its CSR.
#          - Distinguished Name prompts (the page asks for different subjects for CA, server
#            and clients, and the server's CN to be its host name) answered with -subj:
#            CA "/C=GB/O=Mosquitto Test/OU=CA/CN=Mosquitto Test CA",
#            server "/C=GB/O=Mosquitto Test/OU=Server/CN=localhost",
#            client "/C=GB/O=Mosquitto Test/OU=Client/CN=client".
#          - "-extensions v3_ca" refers to the v3_ca section of the system openssl.cnf
#            (no -config on the page); it is read, not written.
set -euo pipefail

# Certificate Authority: generate a certificate authority certificate and key
openssl req -new -x509 -days 365 -extensions v3_ca -keyout ca.key -out ca.crt \
  -passout pass:mosquitto-ca -subj "/C=GB/O=Mosquitto Test/OU=CA/CN=Mosquitto Test CA"

# Server: generate a server key
openssl genrsa -aes256 -passout pass:mosquitto-server -out server.key 2048

# Server: generate a server key without encryption
openssl genrsa -out server.key 2048

# Server: generate a certificate signing request to send to the CA
openssl req -out server.csr -key server.key -new \
  -subj "/C=GB/O=Mosquitto Test/OU=Server/CN=localhost"

# Server: sign it with your CA key
openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out server.crt -days 365 \
  -passin pass:mosquitto-ca

# Client: generate a client key
openssl genrsa -aes256 -passout pass:mosquitto-client -out client.key 2048

# Client: generate a certificate signing request to send to the CA
openssl req -out client.csr -key client.key -new \
  -passin pass:mosquitto-client -subj "/C=GB/O=Mosquitto Test/OU=Client/CN=client"

# Client: sign it with your CA key
openssl x509 -req -in client.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out client.crt -days 365 \
  -passin pass:mosquitto-ca
