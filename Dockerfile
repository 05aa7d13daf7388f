# Tessera's container image: the server, the worker and the migrations, one image, three commands
# (the same ones the README documents):
#   tessera db upgrade            apply the migrations, once per release (compose: the one-shot "migrate")
#   tessera serve --no-migrate    the API and web UI on $PORT (8000); replicas never migrate on start
#   tessera worker                outbox delivery and proposal expiry
# Configuration comes from environment variables only (docs/configuration.md, docs/deployment.md).

# --- build: resolve nothing, install exactly what uv.lock pins -------------------------------------
FROM python:3.11.14-slim-bookworm AS build

RUN pip install --no-cache-dir uv==0.13.9

# Compiled once here, so every container starts without writing bytecode; no interpreter downloads.
ENV UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_PYTHON_DOWNLOADS=never \
    UV_PROJECT_ENVIRONMENT=/app/.venv

WORKDIR /src

# Third-party packages first: this layer is reused until pyproject.toml or uv.lock changes.
COPY pyproject.toml uv.lock ./
COPY sdk/pyproject.toml sdk/pyproject.toml
RUN uv sync --frozen --no-dev --all-packages --no-install-workspace

# Then Tessera and its SDK themselves, installed as wheels (no link back to /src).
COPY README.md ./
COPY sdk sdk
COPY src src
RUN uv sync --frozen --no-dev --all-packages --no-editable

# --- runtime: the interpreter, the virtual environment, a user without privileges -------------------
FROM python:3.11.14-slim-bookworm AS runtime

RUN groupadd --system --gid 10001 tessera \
    && useradd --system --uid 10001 --gid tessera --home-dir /app --shell /usr/sbin/nologin tessera \
    && mkdir -p /data \
    && chown tessera:tessera /data

COPY --from=build /app/.venv /app/.venv

# HOST 0.0.0.0: reachable from outside the container. DATA_DIR: the SQLite file and generated secret of a
# single-container demo (mount a volume there); with PostgreSQL nothing is written to disk.
ENV PATH="/app/.venv/bin:${PATH}" \
    PYTHONUNBUFFERED=1 \
    HOST=0.0.0.0 \
    PORT=8000 \
    DATA_DIR=/data

WORKDIR /app
# Numeric, so a platform that refuses root can tell this is not root without reading /etc/passwd.
USER 10001:10001
EXPOSE 8000

# Ready = the database answers and its schema is at this release's head (see src/tessera/health.py).
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request as u; u.urlopen('http://127.0.0.1:%s/health/ready' % os.environ.get('PORT', '8000'), timeout=4)"]

CMD ["tessera", "serve", "--no-migrate"]
