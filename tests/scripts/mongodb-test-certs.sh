#!/usr/bin/env bash
# Source:  MongoDB Manual, three pages run in order:
#          "Appendix A - OpenSSL CA Certificate for Testing"
#            https://www.mongodb.com/docs/manual/appendix/security/appendixA-openssl-ca/
#          "Appendix B - OpenSSL Server Certificates for Testing"
#            https://www.mongodb.com/docs/manual/appendix/security/appendixB-openssl-server/
#          "Appendix C - OpenSSL Client Certificates for Testing"
#            https://www.mongodb.com/docs/manual/appendix/security/appendixC-openssl-client/
# Repo:    github.com/mongodb/docs, source/appendix/security/appendixA-openssl-ca.txt
#          (commit 15d205a6537b9737e58108587d0cde9e91391e63), appendixB-openssl-server.txt
#          (commit 14a08079a9ea5118c87d19004d877d4f5d4362c0), appendixC-openssl-client.txt
#          (commit 1a26e11e7124ab616644765d6b3c019b98f6f0ed) -- the versions the search
#          index held; B and C use the intermediate CA made in A, hence one script.
# Read:    2026-12-03
# Licence: CC BY-NC-SA 3.0 (mongodb/docs README: "All documentation is available under the
#          terms of a Creative Commons License", by-nc-sa/3.0)
# Changes: - The three .cnf files printed on the pages are written with heredocs, verbatim
#            (de-indented from the reStructuredText code blocks), except that in
#            openssl-test-server.cnf the [ alt_names ] values the page marks "##TODO: Enter
#            the DNS names / IP address" are filled in: DNS.1 = localhost,
#            DNS.2 = server1.example.net, IP.1 = 127.0.0.1, IP.2 = 192.168.1.20 (the TODO
#            comments on those four lines are dropped).
#          - Each "openssl req" here prompts for the Distinguished Name ("When asked for
#            Distinguished Name values, enter the appropriate values"): the answers are
#            given with -subj, using the pages' default values plus a Country and Common
#            Name (the server/client defaults for Country are not valid 2-letter values):
#              CA     /C=US/ST=TestCertificateStateName/L=TestCertificateLocalityName/O=TestCertificateOrgName/OU=TestCertificateOrgUnitName/CN=MongoDB Test CA
#              IA     /C=US/ST=TestCertificateStateName/L=TestCertificateLocalityName/O=TestCertificateOrgName/OU=TestCertificateOrgUnitName/CN=MongoDB Test IA
#              server /C=US/ST=TestServerCertificateState/L=TestServerCertificateLocality/O=TestServerCertificateOrg/OU=TestServerCertificateOrgUnit/CN=TestServerCertificateCommonName
#              client /C=US/ST=TestClientCertificateState/L=TestClientCertificateLocality/O=TestClientCertificateOrg/OU=TestClientCertificateOrgUnit/CN=TestClientCertificateCommonName
#          - The optional macOS Keychain steps ("openssl pkcs12 -export ... -out
#            test-server1.pfx" / "test-client.pfx") are kept; they prompt for an export
#            password, given with -passout pass:mongodb-test.
#          - The mongod/mongo commands are left out.
set -euo pipefail

# ===== Appendix A - OpenSSL CA Certificate for Testing =====
# A. Create the OpenSSL Configuration File
cat > openssl-test-ca.cnf <<'EOF'
# NOT FOR PRODUCTION USE. OpenSSL configuration file for testing. 

# For the CA policy
[ policy_match ]
countryName = match
stateOrProvinceName = match
organizationName = match
organizationalUnitName = optional
commonName = supplied
emailAddress = optional

[ req ]
default_bits = 4096
default_keyfile = myTestCertificateKey.pem    ## The default private key file name. 
default_md = sha256                           ## Use SHA-256 for Signatures
distinguished_name = req_dn
req_extensions = v3_req
x509_extensions = v3_ca # The extentions to add to the self signed cert

[ v3_req ]
subjectKeyIdentifier  = hash
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
nsComment = "OpenSSL Generated Certificate for TESTING only.  NOT FOR PRODUCTION USE."
extendedKeyUsage  = serverAuth, clientAuth

[ req_dn ]
countryName = Country Name (2 letter code)
countryName_default = 
countryName_min = 2
countryName_max = 2

stateOrProvinceName = State or Province Name (full name)
stateOrProvinceName_default = TestCertificateStateName 
stateOrProvinceName_max = 64

localityName = Locality Name (eg, city)
localityName_default = TestCertificateLocalityName
localityName_max = 64

organizationName = Organization Name (eg, company)
organizationName_default = TestCertificateOrgName
organizationName_max = 64

organizationalUnitName = Organizational Unit Name (eg, section)
organizationalUnitName_default = TestCertificateOrgUnitName 
organizationalUnitName_max = 64

commonName = Common Name (eg, YOUR name)
commonName_max = 64

[ v3_ca ]
# Extensions for a typical CA

subjectKeyIdentifier=hash
basicConstraints = critical,CA:true
authorityKeyIdentifier=keyid:always,issuer:always
EOF

# B. Generate the Test CA PEM File
openssl genrsa -out mongodb-test-ca.key 4096

openssl req -new -x509 -days 1826 -key mongodb-test-ca.key -out mongodb-test-ca.crt -config openssl-test-ca.cnf \
  -subj "/C=US/ST=TestCertificateStateName/L=TestCertificateLocalityName/O=TestCertificateOrgName/OU=TestCertificateOrgUnitName/CN=MongoDB Test CA"

openssl genrsa -out mongodb-test-ia.key 4096

openssl req -new -key mongodb-test-ia.key -out mongodb-test-ia.csr -config openssl-test-ca.cnf \
  -subj "/C=US/ST=TestCertificateStateName/L=TestCertificateLocalityName/O=TestCertificateOrgName/OU=TestCertificateOrgUnitName/CN=MongoDB Test IA"

openssl x509 -sha256 -req -days 730 -in mongodb-test-ia.csr -CA mongodb-test-ca.crt -CAkey mongodb-test-ca.key -set_serial 01 -out mongodb-test-ia.crt -extfile openssl-test-ca.cnf -extensions v3_ca

cat mongodb-test-ca.key mongodb-test-ca.crt mongodb-test-ia.crt  > test-ca.pem

# ===== Appendix B - OpenSSL Server Certificates for Testing =====
# A. Create the OpenSSL Configuration File
cat > openssl-test-server.cnf <<'EOF'
# NOT FOR PRODUCTION USE. OpenSSL configuration file for testing.


[ req ]
default_bits = 4096
default_keyfile = myTestServerCertificateKey.pem    ## The default private key file name.
default_md = sha256
distinguished_name = req_dn
req_extensions = v3_req

[ v3_req ]
subjectKeyIdentifier  = hash
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
nsComment = "OpenSSL Generated Certificate for TESTING only.  NOT FOR PRODUCTION USE."
extendedKeyUsage  = serverAuth, clientAuth
subjectAltName = @alt_names

[ alt_names ]
DNS.1 = localhost
DNS.2 = server1.example.net
IP.1 = 127.0.0.1
IP.2 = 192.168.1.20

[ req_dn ]
countryName = Country Name (2 letter code)
countryName_default = TestServerCertificateCountry
countryName_min = 2
countryName_max = 2

stateOrProvinceName = State or Province Name (full name)
stateOrProvinceName_default = TestServerCertificateState
stateOrProvinceName_max = 64

localityName = Locality Name (eg, city)
localityName_default = TestServerCertificateLocality
localityName_max = 64

organizationName = Organization Name (eg, company)
organizationName_default = TestServerCertificateOrg
organizationName_max = 64

organizationalUnitName = Organizational Unit Name (eg, section)
organizationalUnitName_default = TestServerCertificateOrgUnit
organizationalUnitName_max = 64

commonName = Common Name (eg, YOUR name)
commonName_max = 64
EOF

# B. Generate the Test PEM File for Server
openssl genrsa -out mongodb-test-server1.key 4096

openssl req -new -key mongodb-test-server1.key -out mongodb-test-server1.csr -config openssl-test-server.cnf \
  -subj "/C=US/ST=TestServerCertificateState/L=TestServerCertificateLocality/O=TestServerCertificateOrg/OU=TestServerCertificateOrgUnit/CN=TestServerCertificateCommonName"

openssl x509 -sha256 -req -days 365 -in mongodb-test-server1.csr -CA mongodb-test-ia.crt -CAkey mongodb-test-ia.key -CAcreateserial -out mongodb-test-server1.crt -extfile openssl-test-server.cnf -extensions v3_req

cat mongodb-test-server1.crt mongodb-test-server1.key > test-server1.pem

# On macOS (Keychain Access): create a pkcs-12 file instead of a PEM file
openssl pkcs12 -export -out test-server1.pfx -inkey mongodb-test-server1.key -in mongodb-test-server1.crt -certfile mongodb-test-ia.crt \
  -passout pass:mongodb-test

# ===== Appendix C - OpenSSL Client Certificates for Testing =====
# A. Create the OpenSSL Configuration File
cat > openssl-test-client.cnf <<'EOF'
# NOT FOR PRODUCTION USE. OpenSSL configuration file for testing. 

[ req ]
default_bits = 4096
default_keyfile = myTestClientCertificateKey.pem    ## The default private key file name. 
default_md = sha256
distinguished_name = req_dn
req_extensions = v3_req


[ v3_req ]
subjectKeyIdentifier  = hash
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
nsComment = "OpenSSL Generated Certificate for TESTING only.  NOT FOR PRODUCTION USE."
extendedKeyUsage  = serverAuth, clientAuth


[ req_dn ]
countryName = Country Name (2 letter code)
countryName_default = 
countryName_min = 2
countryName_max = 2

stateOrProvinceName = State or Province Name (full name)
stateOrProvinceName_default = TestClientCertificateState
stateOrProvinceName_max = 64

localityName = Locality Name (eg, city)
localityName_default = TestClientCertificateLocality
localityName_max = 64

organizationName = Organization Name (eg, company)
organizationName_default = TestClientCertificateOrg
organizationName_max = 64

organizationalUnitName = Organizational Unit Name (eg, section)
organizationalUnitName_default = TestClientCertificateOrgUnit
organizationalUnitName_max = 64
commonName = Common Name (eg, YOUR name)
commonName_max = 64
EOF

# B. Generate the Test PEM File for Client
openssl genrsa -out mongodb-test-client.key 4096

openssl req -new -key mongodb-test-client.key -out mongodb-test-client.csr -config openssl-test-client.cnf \
  -subj "/C=US/ST=TestClientCertificateState/L=TestClientCertificateLocality/O=TestClientCertificateOrg/OU=TestClientCertificateOrgUnit/CN=TestClientCertificateCommonName"

openssl x509 -sha256 -req -days 365 -in mongodb-test-client.csr -CA mongodb-test-ia.crt -CAkey mongodb-test-ia.key -CAcreateserial -out mongodb-test-client.crt -extfile openssl-test-client.cnf -extensions v3_req

cat mongodb-test-client.crt mongodb-test-client.key > test-client.pem

# On macOS (Keychain Access): create a PKCS 12 file instead of a PEM file
openssl pkcs12 -export -out test-client.pfx -inkey mongodb-test-client.key -in mongodb-test-client.crt -certfile mongodb-test-ia.crt \
  -passout pass:mongodb-test
