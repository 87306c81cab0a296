# Loom server image.
#
#   docker build -t loom .
#   docker run -d -p 8080:8080 -v loom-data:/data --env-file loom.env --stop-timeout 40 loom
#
# The server runs as uid 1993 (`deno`): a host directory bind-mounted at /data must be writable
# by that uid. A named volume, as above, inherits the right owner from the image.
#
# The base must be glibc-based Debian (the unqualified denoland/deno tag is the Debian variant):
# @libsql/client loads a Node-API addon from @libsql/linux-x64-gnu (or linux-arm64-gnu) whose
# index.node links glibc (NEEDED: libc.so.6, ld-linux-x86-64.so.2), and the deno binary links
# glibc too. distroless/static has no libc at all. On Alpine, deno only runs over a glibc
# compatibility layer while libsql's loader (detect-libc) sees musl and loads the musl addon into
# that glibc process; Deno fetches both addons because it ignores npm's "libc" field, so the
# build succeeds and the server fails only when it opens the database.
FROM denoland/deno:2.9.6

# The update check would reach for the network on every start; a server has no use for it.
ENV DENO_NO_UPDATE_CHECK=1

# The base image's unprivileged `deno` user (uid 1993) owns DENO_DIR (/deno-dir). The source
# stays root-owned so the server cannot rewrite its own code; /data is the one place it writes.
RUN mkdir -p /data && chown deno:deno /data
WORKDIR /app
USER deno

# Dependencies first, in their own layer, so a source change does not download them again.
# --frozen fails the build when deno.lock does not match deno.json instead of quietly resolving
# different versions than the ones tested.
COPY deno.json deno.lock ./
RUN deno install --frozen

# Only what the server runs: no .git, tests, local databases or build output in the image. A new
# top-level source folder needs a line here; the cache step below fails the build on a module
# left out, rather than the server failing at start.
COPY main.ts ./
COPY src/ src/
COPY adapters/ adapters/
COPY migrations/ migrations/
COPY prompts/ prompts/
RUN deno cache --frozen main.ts

VOLUME /data
ENV LOOM_DB_URL=file:/data/loom.db
EXPOSE 8080

# The image has no curl, so deno itself asks /health (200 when the database answers, else 503).
# `deno eval` runs with all permissions; --no-config keeps it from reading /app/deno.json.
# A refused connection throws, which exits non-zero too.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["deno", "eval", "--no-config", "const r = await fetch('http://127.0.0.1:8080/health'); Deno.exit(r.ok ? 0 : 1);"]

# On SIGTERM Loom lets running jobs finish for LOOM_SHUTDOWN_GRACE_S (30 s by default), but
# `docker stop` kills after 10 s unless told otherwise: use --stop-timeout 40 (docker run),
# stop_grace_period: 40s (compose) or terminationGracePeriodSeconds: 40 (Kubernetes).
# Only the permissions Loom needs, as the `serve` task of deno.json defines them (the data
# directory here being /data): network, environment, reading its code and config, the libSQL
# addon (ffi, and the sys facts its loader reads to tell glibc from musl, plus the hostname in
# worker ids), git, and writing /data and /tmp only; and V8's young generation fixed at 8 MB, as
# the task has it (see "Runtime flags" in the README). tests/least_privilege_test.ts (the
# permissions) and tests/runtime_flags_test.ts (the V8 flags) keep this line equal to the task.
CMD ["deno", "run", "--v8-flags=--min-semi-space-size=8,--max-semi-space-size=8", "--allow-net", "--allow-env", "--allow-read", "--allow-ffi", "--allow-sys=cpus,hostname,networkInterfaces", "--allow-run=git", "--allow-write=/data,/tmp", "main.ts", "serve", "--port", "8080"]
