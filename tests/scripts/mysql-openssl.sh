#!/usr/bin/env bash
# Source:  MySQL 8.0 Reference Manual, 8.3.3.2 "Creating SSL Certificates and Keys Using
#          openssl", "Example 1: Creating SSL Files from the Command Line on Unix"
#          (the page is reached from 8.3.3 "Creating SSL and RSA Certificates and Keys")
# URL:     https://dev.mysql.com/doc/refman/8.0/en/creating-ssl-files-using-openssl.html
# Text:    read from a Markdown copy of this manual page found in the search index's code
#          corpus (its repository and path are not given by the index; index file id
#          53383717531); the same command listing was found in several other copies.
# Read:    2026-12-03
# Licence: Oracle MySQL documentation; not under an open licence (copyright Oracle). Only the
#          command listing is reproduced here, for interoperability testing.
# Changes: - The page says "You must respond to several prompts by the openssl commands"
#            (req asks for the Distinguished Name and, for -newkey, the extra attributes).
#            The answers are given with -subj, using the answers shown in the same page's
#            Example 2 sample output: "/C=FI/O=MySQL AB/CN=MySQL admin" (CA),
#            "/C=FI/O=MySQL AB/CN=MySQL server" (server), "/C=FI/O=MySQL AB/CN=MySQL user"
#            (client). (Pressing Enter to all prompts, which the page allows for test files,
#            gives the CA and the leaf certificates the same DN, and then the page's own
#            "openssl verify" step fails with "self-signed certificate"; the page also warns
#            that the server/client Common Name must differ from the CA's.)
#          - Example 2 (openssl ca with /usr/share/ssl/openssl.cnf and the MySQL "replace"
#            tool) and Example 3 (Windows) are not transcribed.
set -euo pipefail

# Create clean environment
rm -rf newcerts
mkdir newcerts && cd newcerts

# Create CA certificate
openssl genrsa 2048 > ca-key.pem
openssl req -new -x509 -nodes -days 3600 \
        -key ca-key.pem -out ca.pem \
        -subj "/C=FI/O=MySQL AB/CN=MySQL admin"

# Create server certificate, remove passphrase, and sign it
# server-cert.pem = public key, server-key.pem = private key
openssl req -newkey rsa:2048 -days 3600 \
        -nodes -keyout server-key.pem -out server-req.pem \
        -subj "/C=FI/O=MySQL AB/CN=MySQL server"
openssl rsa -in server-key.pem -out server-key.pem
openssl x509 -req -in server-req.pem -days 3600 \
        -CA ca.pem -CAkey ca-key.pem -set_serial 01 -out server-cert.pem

# Create client certificate, remove passphrase, and sign it
# client-cert.pem = public key, client-key.pem = private key
openssl req -newkey rsa:2048 -days 3600 \
        -nodes -keyout client-key.pem -out client-req.pem \
        -subj "/C=FI/O=MySQL AB/CN=MySQL user"
openssl rsa -in client-key.pem -out client-key.pem
openssl x509 -req -in client-req.pem -days 3600 \
        -CA ca.pem -CAkey ca-key.pem -set_serial 01 -out client-cert.pem

# After generating the certificates, verify them
openssl verify -CAfile ca.pem server-cert.pem client-cert.pem

# To see the contents of a certificate
openssl x509 -text -in ca.pem
openssl x509 -text -in server-cert.pem
openssl x509 -text -in client-cert.pem
