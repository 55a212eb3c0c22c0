#!/usr/bin/env bash
# Source:  Docker documentation, "Protect the Docker daemon socket", section
#          "Create a CA, server and client keys with OpenSSL"
# URL:     https://docs.docker.com/engine/security/protect-access/
# Repo:    github.com/docker/docs, content/manuals/engine/security/protect-access.md
#          at commit 09ee4674b9e5effb7553a79c16a167ef8e8672a0
# Read:    2026-12-03
# Licence: Apache-2.0 (docker/docs LICENSE)
# Changes: - $HOST (the page says to replace it with the daemon's DNS name) is fixed to
#            your.host.com, the name shown in the page's sample output.
#          - genrsa -aes256 prompts for a pass phrase: given with -passout pass:docker-ca-pass.
#            Every later command that reads ca-key.pem prompts "Enter pass phrase for
#            ca-key.pem": given with -passin pass:docker-ca-pass.
#          - "openssl req -new -x509 ... -out ca.pem" prompts for the Distinguished Name: the
#            answers shown on the page are given with -subj
#            "/C=AU/ST=Queensland/L=Brisbane/O=Docker Inc/OU=Sales/CN=$HOST/emailAddress=Sven@home.org.au"
#            (Country left at its prompt default AU, as on the page).
#          - The dockerd, docker, curl and "~/.docker" steps after the chmod commands are left
#            out (not openssl; write outside the folder).
set -euo pipefail

HOST=your.host.com

# First, generate CA private and public keys
openssl genrsa -aes256 -passout pass:docker-ca-pass -out ca-key.pem 4096

openssl req -new -x509 -days 365 -key ca-key.pem -sha256 -out ca.pem \
  -passin pass:docker-ca-pass \
  -subj "/C=AU/ST=Queensland/L=Brisbane/O=Docker Inc/OU=Sales/CN=$HOST/emailAddress=Sven@home.org.au"

# Server key and certificate signing request
openssl genrsa -out server-key.pem 4096

openssl req -subj "/CN=$HOST" -sha256 -new -key server-key.pem -out server.csr

# Sign the public key with our CA
echo subjectAltName = DNS:$HOST,IP:10.10.10.20,IP:127.0.0.1 >> extfile.cnf

echo extendedKeyUsage = serverAuth >> extfile.cnf

openssl x509 -req -days 365 -sha256 -in server.csr -CA ca.pem -CAkey ca-key.pem \
  -CAcreateserial -out server-cert.pem -extfile extfile.cnf \
  -passin pass:docker-ca-pass

# Client key and certificate signing request
openssl genrsa -out key.pem 4096

openssl req -subj '/CN=client' -new -key key.pem -out client.csr

echo extendedKeyUsage = clientAuth > extfile-client.cnf

openssl x509 -req -days 365 -sha256 -in client.csr -CA ca.pem -CAkey ca-key.pem \
  -CAcreateserial -out cert.pem -extfile extfile-client.cnf \
  -passin pass:docker-ca-pass

# Remove the certificate signing requests and extensions config files
rm -v client.csr server.csr extfile.cnf extfile-client.cnf

# Protect the keys
chmod -v 0400 ca-key.pem key.pem server-key.pem

chmod -v 0444 ca.pem server-cert.pem cert.pem
