# Sourced by the image's download steps. A build on a network that intercepts TLS mounts that
# network's CA bundle here (podman build -v /etc/ssl/certs/ca-certificates.crt:/run/build-ca.crt:ro);
# it is used while the step runs and is not kept in the image. Elsewhere this does nothing.
if [ -s /run/build-ca.crt ]; then
  export SSL_CERT_FILE=/run/build-ca.crt PIP_CERT=/run/build-ca.crt NODE_EXTRA_CA_CERTS=/run/build-ca.crt npm_config_cafile=/run/build-ca.crt
fi
