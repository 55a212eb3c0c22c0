#!/usr/bin/env bash
# Source:  Node.js API documentation, "TLS (SSL)", sections "TLS/SSL concepts" and
#          "Perfect forward secrecy"
# URL:     https://nodejs.org/api/tls.html#tlsssl-concepts
# Repo:    github.com/nodejs/node, doc/api/tls.md at commit 009adc7e217d55eeae6de341736e0a26c473b0dd
# Read:    2026-12-03
# Licence: MIT (Node.js LICENSE; the docs are part of the node repository)
# Changes: - "openssl req -new -sha256 -key ryans-key.pem -out ryans-csr.pem" prompts for the
#            Distinguished Name (and extra attributes); the page gives no answers, so -batch
#            is added, which is the same as pressing Enter at every prompt (the defaults come
#            from the system openssl.cnf).
#          - "openssl pkcs12 -export" prompts for an export password: given with
#            -passout pass:nodejs-test.
#          - The pkcs12 step uses "-certfile ca-cert.pem", which the page assumes exists ("a
#            concatenation of all Certificate Authority (CA) certs into a single file, e.g.
#            cat ca1-cert.pem ca2-cert.pem > ca-cert.pem"). The certificate here is
#            self-signed, so its only CA certificate is itself: ca-cert.pem is made with
#            "cat ryans-cert.pem > ca-cert.pem" just before that step.
set -euo pipefail

# generate a 2048-bit RSA private key
openssl genrsa -out ryans-key.pem 2048

# generate a CSR for a private key
openssl req -new -sha256 -key ryans-key.pem -out ryans-csr.pem -batch

# Creating a self-signed certificate
openssl x509 -req -in ryans-csr.pem -signkey ryans-key.pem -out ryans-cert.pem

# (file the page assumes exists; see Changes)
cat ryans-cert.pem > ca-cert.pem

# generate a .pfx or .p12 file
openssl pkcs12 -export -in ryans-cert.pem -inkey ryans-key.pem \
      -certfile ca-cert.pem -out ryans.pfx -passout pass:nodejs-test

# Perfect forward secrecy: generate Diffie-Hellman parameters
openssl dhparam -outform PEM -out dhparam.pem 2048
