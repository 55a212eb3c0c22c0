#!/usr/bin/env bash
# Source:  CockroachDB documentation (v23.2), "Create Security Certificates using OpenSSL",
#          section "Examples", steps 1, 2, 3 and 5
# URL:     https://www.cockroachlabs.com/docs/v23.2/create-security-certificates-openssl
# Repo:    github.com/cockroachdb/docs, src/current/v23.2/create-security-certificates-openssl.md
#          at commit ff8b3dc1048720570747584f5b353be4b012ef84
# Read:    2026-12-03
# Licence: not stated in the repository files read (README.md); not verified.
# Changes: - ca.cnf, node.cnf and client.cnf (twice: the page creates it in step 3 and
#            "edits" it in step 5) are printed on the page; written here with heredocs.
#          - Placeholders the page leaves to the reader are given the values of the page's
#            own sample output: <node-hostname> = localhost, <node-domain> = node.example.io,
#            <IP Address> = 127.0.0.1, <username_1> = maxroach, <username_2> = roach.
#          - The verification steps are "openssl x509 -in FILE -text | grep ..."; grep is not
#            part of coreutils, so the "| grep ..." filter is left out and the openssl
#            command is kept (its text output goes to stdout).
#          - Step 4 (cockroach start-single-node, cockroach sql, CREATE USER) and the
#            cockroach sql command at the end of step 5 are left out (not openssl).
set -euo pipefail

# ---- Step 1. Create the CA key and certificate pair ----
mkdir certs my-safe-directory

cat > ca.cnf <<'EOF'
# OpenSSL CA configuration file
[ ca ]
default_ca = CA_default

[ CA_default ]
default_days = 365
database = index.txt
serial = serial.txt
default_md = sha256
copy_extensions = copy
unique_subject = no

# Used to create the CA certificate.
[ req ]
prompt=no
distinguished_name = distinguished_name
x509_extensions = extensions

[ distinguished_name ]
organizationName = Cockroach
commonName = Cockroach CA

[ extensions ]
keyUsage = critical,digitalSignature,nonRepudiation,keyEncipherment,keyCertSign
basicConstraints = critical,CA:true,pathlen:1

# Common policy for nodes and users.
[ signing_policy ]
organizationName = supplied
commonName = optional

# Used to sign node certificates.
[ signing_node_req ]
keyUsage = critical,digitalSignature,keyEncipherment
extendedKeyUsage = serverAuth,clientAuth

# Used to sign client certificates.
[ signing_client_req ]
keyUsage = critical,digitalSignature,keyEncipherment
extendedKeyUsage = clientAuth
EOF

openssl genrsa -out my-safe-directory/ca.key 2048
chmod 400 my-safe-directory/ca.key

openssl req \
-new \
-x509 \
-config ca.cnf \
-key my-safe-directory/ca.key \
-out certs/ca.crt \
-days 365 \
-batch

# Reset database and index files
rm -f index.txt serial.txt
touch index.txt
echo '01' > serial.txt

# ---- Step 2. Create the certificate and key pairs for nodes ----
cat > node.cnf <<'EOF'
# OpenSSL node configuration file
[ req ]
prompt=no
distinguished_name = distinguished_name
req_extensions = extensions

[ distinguished_name ]
organizationName = Cockroach

[ extensions ]
subjectAltName = critical,DNS:localhost,DNS:node.example.io,IP:127.0.0.1
EOF

openssl genrsa -out certs/node.key 2048
chmod 400 certs/node.key

openssl req \
-new \
-config node.cnf \
-key certs/node.key \
-out node.csr \
-batch

openssl ca \
-config ca.cnf \
-keyfile my-safe-directory/ca.key \
-cert certs/ca.crt \
-policy signing_policy \
-extensions signing_node_req \
-out certs/node.crt \
-outdir certs/ \
-in node.csr \
-batch

# Verify the values in the Subject Alternative Name field (page: ... | grep "X509v3 Subject Alternative Name" -A 1)
openssl x509 -in certs/node.crt -text

# ---- Step 3. Create the certificate and key pair for the first user ----
cat > client.cnf <<'EOF'
[ req ]
prompt=no
distinguished_name = distinguished_name
req_extensions = extensions

[ distinguished_name ]
organizationName = Cockroach
commonName = maxroach

[ extensions ]
subjectAltName = DNS:root
EOF

openssl genrsa -out certs/client.maxroach.key 2048
chmod 400 certs/client.maxroach.key

openssl req \
-new \
-config client.cnf \
-key certs/client.maxroach.key \
-out client.maxroach.csr \
-batch

openssl ca \
-config ca.cnf \
-keyfile my-safe-directory/ca.key \
-cert certs/ca.crt \
-policy signing_policy \
-extensions signing_client_req \
-out certs/client.maxroach.crt \
-outdir certs/ \
-in client.maxroach.csr \
-batch

# Verify the values in the CN field (page: ... | grep CN=)
openssl x509 -in certs/client.maxroach.crt -text

# ---- Step 5. Create the certificate and key pair for a client ----
cat > client.cnf <<'EOF'
[ req ]
prompt=no
distinguished_name = distinguished_name

[ distinguished_name ]
organizationName = Cockroach
commonName = roach
EOF

openssl genrsa -out certs/client.roach.key 2048
chmod 400 certs/client.roach.key

openssl req \
-new \
-config client.cnf \
-key certs/client.roach.key \
-out client.roach.csr \
-batch

openssl ca \
-config ca.cnf \
-keyfile my-safe-directory/ca.key \
-cert certs/ca.crt \
-policy signing_policy \
-extensions signing_client_req \
-out certs/client.roach.crt \
-outdir certs/ \
-in client.roach.csr \
-batch

# Verify the values in the CN field (page: ... | grep CN=)
openssl x509 -in certs/client.roach.crt -text
