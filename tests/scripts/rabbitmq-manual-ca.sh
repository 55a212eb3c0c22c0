#!/usr/bin/env bash
# Source:  RabbitMQ documentation, "TLS Support", section "Manually Generating a CA,
#          Certificates and Private Keys"
# URL:     https://www.rabbitmq.com/docs/ssl#manual-certificate-generation
# Repo:    github.com/rabbitmq/rabbitmq-website, docs/ssl.md
#          at commit 34d3c109f812faf197f77c40a41b3dc74b089c6e
# Read:    2026-12-03
# Licence: Apache-2.0 (licence header in docs/ssl.md; Copyright (c) 2005-2024 Broadcom)
# Changes: - openssl.cnf, printed on the page ("add the following OpenSSL configuration
#            file, openssl.cnf, within the newly created testca directory"), is written
#            verbatim with a heredoc.
#          - $(hostname) in the two -subj arguments is replaced by the fixed host name
#            localhost (the hostname command is not coreutils and its output differs
#            between machines).
#          - The optional alternatives shown after the listings ("openssl genrsa -out
#            private_key.pem 4096", "openssl ecparam ... -genkey -name prime256v1") are not
#            run: they would only overwrite private_key.pem after the certificates exist.
#          Otherwise the page's commands, in its order (the page already uses -subj, -batch
#          and -passout).
set -euo pipefail

# First let's create a directory for our test Certificate Authority
mkdir testca
cd testca
mkdir certs private
chmod 700 private
echo 01 > serial
touch index.txt

cat > openssl.cnf <<'EOF'
[ ca ]
default_ca = testca

[ testca ]
dir = .
certificate = $dir/ca_certificate.pem
database = $dir/index.txt
new_certs_dir = $dir/certs
private_key = $dir/private/ca_private_key.pem
serial = $dir/serial

default_crl_days = 7
default_days = 365
default_md = sha256

policy = testca_policy
x509_extensions = certificate_extensions

[ testca_policy ]
commonName = supplied
stateOrProvinceName = optional
countryName = optional
emailAddress = optional
organizationName = optional
organizationalUnitName = optional
domainComponent = optional

[ certificate_extensions ]
basicConstraints = CA:false

[ req ]
default_bits = 2048
default_keyfile = ./private/ca_private_key.pem
default_md = sha256
prompt = yes
distinguished_name = root_ca_distinguished_name
x509_extensions = root_ca_extensions

[ root_ca_distinguished_name ]
commonName = hostname

[ root_ca_extensions ]
basicConstraints = CA:true
keyUsage = keyCertSign, cRLSign

[ client_ca_extensions ]
basicConstraints = CA:false
keyUsage = digitalSignature,keyEncipherment
extendedKeyUsage = 1.3.6.1.5.5.7.3.2

[ server_ca_extensions ]
basicConstraints = CA:false
keyUsage = digitalSignature,keyEncipherment
extendedKeyUsage = 1.3.6.1.5.5.7.3.1
EOF

# Generate the key and certificates that our test Certificate Authority will use
openssl req -x509 -config openssl.cnf -newkey rsa:2048 -days 365 \
    -out ca_certificate.pem -outform PEM -subj /CN=MyTestCA/ -nodes
openssl x509 -in ca_certificate.pem -out ca_certificate.cer -outform DER

# First the server
cd ..
ls
# => testca
mkdir server
cd server
openssl genrsa -out private_key.pem 2048
openssl req -new -key private_key.pem -out req.pem -outform PEM \
    -subj /CN=localhost/O=server/ -nodes
cd ../testca
openssl ca -config openssl.cnf -in ../server/req.pem -out \
    ../server/server_certificate.pem -notext -batch -extensions server_ca_extensions
cd ../server
openssl pkcs12 -export -out server_certificate.p12 -in server_certificate.pem -inkey private_key.pem \
    -passout pass:MySecretPassword

# And now the client
cd ..
ls
# => server testca
mkdir client
cd client
openssl genrsa -out private_key.pem 2048
openssl req -new -key private_key.pem -out req.pem -outform PEM \
    -subj /CN=localhost/O=client/ -nodes
cd ../testca
openssl ca -config openssl.cnf -in ../client/req.pem -out \
    ../client/client_certificate.pem -notext -batch -extensions client_ca_extensions
cd ../client
openssl pkcs12 -export -out client_certificate.p12 -in client_certificate.pem -inkey private_key.pem \
    -passout pass:MySecretPassword
