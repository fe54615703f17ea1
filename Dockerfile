# syntax=docker/dockerfile:1
# DICOM Mailslot: the server and its upload page in one image.
#
#   docker build -t mailslot .
#   docker run --rm -it -v mailslot-data:/var/lib/mailslot mailslot password add --generate
#   docker run -d --name mailslot --read-only --tmpfs /tmp --cap-drop ALL \
#     --security-opt no-new-privileges -p 8080:8080 -p 127.0.0.1:8081:8081 \
#     -e MAILSLOT_FORWARD=dimse://PACS@pacs.example:104 \
#     -v mailslot-data:/var/lib/mailslot mailslot
#
# Port 8081 (readiness, metrics) has no authentication: publish it only to
# the host's loopback as above, or not at all — never `-P`, never bare
# `-p 8081:8081`, which put it on every interface of the host (past its
# firewall: Docker's own rules come first).
#
# docs/deploy.md ("Container") says more; compose.yaml runs it with Orthanc.

# ---- build: the page (Wasm, by Trunk) and the server --------------------
FROM rust:1-bookworm AS build
WORKDIR /src
COPY . .
# `cargo xtask page` installs the wasm32 target, wasm-bindgen-cli at the
# locked version and Trunk, then builds the page into dist/. The caches
# keep crates.io and the build between image builds; the results are
# copied out of them.
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    --mount=type=cache,target=/src/target \
    cargo xtask page \
 && cargo build --release --locked -p mailslot-backend --bin mailslot \
 && install -D -m 0755 target/release/mailslot /out/mailslot \
 && cp -r dist /out/page

# ---- run: a small Debian, a user of its own, nothing writable but data --
FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --user-group --home-dir /var/lib/mailslot \
      --shell /usr/sbin/nologin mailslot \
 && install -d -o mailslot -g mailslot -m 0700 /var/lib/mailslot
COPY --from=build /out/mailslot /usr/local/bin/mailslot
COPY --from=build /out/page /usr/share/mailslot/page
# The admin address (readiness, metrics) listens on every interface of the
# container so that an orchestrator or a monitoring container on the same
# network can probe it. It is not EXPOSEd: `docker run -P` publishes only
# the upload port; publish 8081 to 127.0.0.1 of the host, if at all.
ENV MAILSLOT_DATA_DIR=/var/lib/mailslot \
    MAILSLOT_STATIC_DIR=/usr/share/mailslot/page \
    MAILSLOT_LISTEN=0.0.0.0:8080 \
    MAILSLOT_ADMIN_LISTEN=0.0.0.0:8081 \
    MAILSLOT_LOG_FORMAT=json
USER mailslot:mailslot
VOLUME ["/var/lib/mailslot"]
EXPOSE 8080
ENTRYPOINT ["mailslot"]
CMD ["serve"]
