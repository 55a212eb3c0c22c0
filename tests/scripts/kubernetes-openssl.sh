#!/usr/bin/env bash
# Source:  Kubernetes documentation, "Generate Certificates Manually", section "openssl"
# URL:     https://kubernetes.io/docs/tasks/administer-cluster/certificates/
# Repo:    github.com/kubernetes/website, content/en/docs/tasks/administer-cluster/certificates.md
#          at commit 94fcdc65b3a7c5e4c3e58ed1d8058f74a6539185
# Read:    2026-12-03
# Licence: CC BY 4.0 (kubernetes/website LICENSE)
# Changes: - Only the "openssl" section is transcribed (easyrsa, cfssl, and the sudo
#            "Distributing Self-Signed CA Certificate" steps are left out).
#          - The page leaves ${MASTER_IP} and <MASTER_CLUSTER_IP> to the reader: fixed to
#            MASTER_IP=192.168.1.10 and MASTER_CLUSTER_IP=10.96.0.1.
#          - csr.conf is printed on the page with placeholders in angle brackets that the
#            page says to substitute before saving; it is written here with a heredoc using
#            C=US, ST=California, L=San Francisco, O=Example Org, OU=Example Unit,
#            CN=192.168.1.10, IP.1=192.168.1.10, IP.2=10.96.0.1. Nothing else in it changed.
set -euo pipefail

MASTER_IP=192.168.1.10

# 1. Generate a ca.key with 2048bit
openssl genrsa -out ca.key 2048

# 2. According to the ca.key generate a ca.crt
openssl req -x509 -new -nodes -key ca.key -subj "/CN=${MASTER_IP}" -days 10000 -out ca.crt

# 3. Generate a server.key with 2048bit
openssl genrsa -out server.key 2048

# 4. Create a config file for generating a Certificate Signing Request (CSR)
cat > csr.conf <<'EOF'
[ req ]
default_bits = 2048
prompt = no
default_md = sha256
req_extensions = req_ext
distinguished_name = dn

[ dn ]
C = US
ST = California
L = San Francisco
O = Example Org
OU = Example Unit
CN = 192.168.1.10

[ req_ext ]
subjectAltName = @alt_names

[ alt_names ]
DNS.1 = kubernetes
DNS.2 = kubernetes.default
DNS.3 = kubernetes.default.svc
DNS.4 = kubernetes.default.svc.cluster
DNS.5 = kubernetes.default.svc.cluster.local
IP.1 = 192.168.1.10
IP.2 = 10.96.0.1

[ v3_ext ]
authorityKeyIdentifier=keyid,issuer:always
basicConstraints=CA:FALSE
keyUsage=keyEncipherment,dataEncipherment
extendedKeyUsage=serverAuth,clientAuth
subjectAltName=@alt_names
EOF

# 5. Generate the certificate signing request based on the config file
openssl req -new -key server.key -out server.csr -config csr.conf

# 6. Generate the server certificate using the ca.key, ca.crt and server.csr
openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key \
    -CAcreateserial -out server.crt -days 10000 \
    -extensions v3_ext -extfile csr.conf -sha256

# 7. View the certificate signing request
openssl req  -noout -text -in ./server.csr

# 8. View the certificate
openssl x509  -noout -text -in ./server.crt
