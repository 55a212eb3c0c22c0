#!/usr/bin/env bash
# Source:  Istio documentation, "Plug in CA Certificates", section "Plug in certificates and
#          key into the cluster" (steps: mkdir/pushd certs, make ... root-ca,
#          make ... cluster1-cacerts, popd), with the recipes of the Makefiles it runs.
# URL:     https://istio.io/latest/docs/tasks/security/cert-management/plugin-ca-cert/
# Repo:    page: github.com/istio/istio.io,
#          content/en/docs/tasks/security/cert-management/plugin-ca-cert/index.md
#          at commit 0f22980e8b92fcdac1711ab2b9cc982075a8b7f9;
#          Makefiles: github.com/istio/istio, tools/certs/Makefile.selfsigned.mk and
#          tools/certs/common.mk, snapshot commit 86c9f01fd735fb01d8192f5bcaf0d424afb7f14c
#          (both files last changed in dedfe35a4c6436513f707e2f1972d46ed33eaae0).
# Read:    2026-12-03
# Licence: Apache-2.0 (istio/istio and istio/istio.io LICENSE)
# Changes: - "make -f ../tools/certs/Makefile.selfsigned.mk root-ca" and
#            "... cluster1-cacerts" are replaced by the recipe lines that GNU make 4.3 runs
#            for those targets, in make's order, with the Makefile defaults substituted
#            (ROOTCA_DAYS=3650, ROOTCA_KEYSZ=4096, ROOTCA_ORG=Istio, ROOTCA_CN="Root CA",
#            INTERMEDIATE_DAYS=3650, INTERMEDIATE_KEYSZ=4096, INTERMEDIATE_ORG=Istio,
#            INTERMEDIATE_CN="Intermediate CA", INTERMEDIATE_SAN_DNS=istiod.istio-system.svc,
#            L=cluster1/). The order and the final "rm" of the intermediate files
#            cluster1/cluster-ca.csr and cluster1/intermediate.conf were checked by running
#            the real Makefiles with "make --trace".
#          - The kubectl, istioctl and verification steps of the page are left out.
set -euo pipefail

# In the top-level directory of the Istio installation package, create a directory to hold
# certificates and keys
mkdir -p certs
pushd certs

# Generate the root certificate and key: make -f ../tools/certs/Makefile.selfsigned.mk root-ca
echo "generating root-key.pem"
openssl genrsa -out root-key.pem 4096
echo "[ req ]" > root-ca.conf
echo "encrypt_key = no" >> root-ca.conf
echo "prompt = no" >> root-ca.conf
echo "utf8 = yes" >> root-ca.conf
echo "default_md = sha256" >> root-ca.conf
echo "default_bits = 4096" >> root-ca.conf
echo "req_extensions = req_ext" >> root-ca.conf
echo "x509_extensions = req_ext" >> root-ca.conf
echo "distinguished_name = req_dn" >> root-ca.conf
echo "[ req_ext ]" >> root-ca.conf
echo "subjectKeyIdentifier = hash" >> root-ca.conf
echo "basicConstraints = critical, CA:true" >> root-ca.conf
echo "keyUsage = critical, digitalSignature, nonRepudiation, keyEncipherment, keyCertSign" >> root-ca.conf
echo "[ req_dn ]" >> root-ca.conf
echo "O = Istio" >> root-ca.conf
echo "CN = Root CA" >> root-ca.conf
echo "generating root-cert.csr"
openssl req -sha256 -new -key root-key.pem -config root-ca.conf -out root-cert.csr
echo "generating root-cert.pem"
openssl x509 -req -sha256 -days 3650 -signkey root-key.pem \
	-extensions req_ext -extfile root-ca.conf \
	-in root-cert.csr -out root-cert.pem

# For each cluster, generate an intermediate certificate and key for the Istio CA:
# make -f ../tools/certs/Makefile.selfsigned.mk cluster1-cacerts
echo "generating cluster1/ca-key.pem"
mkdir -p cluster1/
openssl genrsa -out cluster1/ca-key.pem 4096
echo "[ req ]" > cluster1/intermediate.conf
echo "encrypt_key = no" >> cluster1/intermediate.conf
echo "prompt = no" >> cluster1/intermediate.conf
echo "utf8 = yes" >> cluster1/intermediate.conf
echo "default_md = sha256" >> cluster1/intermediate.conf
echo "default_bits = 4096" >> cluster1/intermediate.conf
echo "req_extensions = req_ext" >> cluster1/intermediate.conf
echo "x509_extensions = req_ext" >> cluster1/intermediate.conf
echo "distinguished_name = req_dn" >> cluster1/intermediate.conf
echo "[ req_ext ]" >> cluster1/intermediate.conf
echo "subjectKeyIdentifier = hash" >> cluster1/intermediate.conf
echo "basicConstraints = critical, CA:true, pathlen:0" >> cluster1/intermediate.conf
echo "keyUsage = critical, digitalSignature, nonRepudiation, keyEncipherment, keyCertSign" >> cluster1/intermediate.conf
echo "subjectAltName=@san" >> cluster1/intermediate.conf
echo "[ san ]" >> cluster1/intermediate.conf
echo "DNS.1 = istiod.istio-system.svc" >> cluster1/intermediate.conf
echo "[ req_dn ]" >> cluster1/intermediate.conf
echo "O = Istio" >> cluster1/intermediate.conf
echo "CN = Intermediate CA" >> cluster1/intermediate.conf
echo "L = cluster1" >> cluster1/intermediate.conf
echo "generating cluster1/cluster-ca.csr"
openssl req -sha256 -new -config cluster1//intermediate.conf -key cluster1/ca-key.pem -out cluster1/cluster-ca.csr
echo "generating cluster1/ca-cert.pem"
openssl x509 -req -sha256 -days 3650 \
	-CA root-cert.pem -CAkey root-key.pem -CAcreateserial\
	-extensions req_ext -extfile cluster1//intermediate.conf \
	-in cluster1/cluster-ca.csr -out cluster1/ca-cert.pem
echo "generating cluster1/cert-chain.pem"
cat cluster1/ca-cert.pem root-cert.pem > cluster1/cert-chain.pem
echo "Intermediate inputs stored in cluster1/"
cp root-cert.pem cluster1/
echo "done"
# make deletes the intermediate files of its pattern-rule chain
rm cluster1/cluster-ca.csr cluster1/intermediate.conf

# Return to the top-level directory
popd
