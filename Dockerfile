# mcnotify serve in a container: the HTTP bridge that a Botpress card calls.
#   docker build -t mcnotify .
#   docker run ... mcnotify                  (serve on 0.0.0.0:8025; see the README)
#   docker run ... mcnotify outbox list      (any other command)

FROM rust:1-bookworm AS build
WORKDIR /src
COPY . .
RUN cargo build --release --locked

FROM debian:bookworm-slim
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates \
    && rm -rf /var/lib/apt/lists/*
# A fixed uid, so that the files on the host (secrets, a bind-mounted state directory)
# can be given to it: chown 10001.
RUN useradd --system --uid 10001 --user-group --no-create-home \
        --home-dir /var/lib/mcnotify --shell /usr/sbin/nologin mcnotify \
    && install -d -m 700 -o mcnotify -g mcnotify /var/lib/mcnotify
COPY --from=build /src/target/release/mcnotify /usr/local/bin/mcnotify

# The outbox and the journal: $XDG_STATE_HOME/mcnotify = /var/lib/mcnotify, mode 700.
# The key and the bridge token: files mounted under /run/secrets (never in the
# environment). The helpdesk address: -e MCNOTIFY_TO=..., or a config mounted at
# /etc/mcnotify/config.toml.
ENV HOME=/var/lib/mcnotify \
    XDG_STATE_HOME=/var/lib \
    MAILINGCORE_API_KEY_FILE=/run/secrets/mailingcore_key \
    MCNOTIFY_SERVE_TOKEN_FILE=/run/secrets/mcnotify_token
VOLUME /var/lib/mcnotify
USER mcnotify:mcnotify
EXPOSE 8025
# No HEALTHCHECK: the slim image has no HTTP client to call it with. Probe
# GET /healthz (alive) and GET /readyz (the outbox can be written) from outside.
# SIGTERM drains (each request in flight within the deadline, 8 s by default): give
# `docker stop` more than that, e.g. `docker run --stop-timeout 30`.
STOPSIGNAL SIGTERM
ENTRYPOINT ["/usr/local/bin/mcnotify"]
CMD ["serve", "--listen", "0.0.0.0:8025"]
