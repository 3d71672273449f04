# One image recipe for every service; pick it with --build-arg SERVICE=...
#   docker build --build-arg SERVICE=content -t advocacy-content .
# Needs BuildKit (the default since Docker 23) for the cache mounts.

# uv is pinned to the version the lockfile is written with.
FROM ghcr.io/astral-sh/uv:0.13.9 AS uv

FROM python:3.11-slim AS builder
ARG SERVICE
RUN case "$SERVICE" in content|ambassadors|metrics|gateway) ;; \
      *) echo "build with --build-arg SERVICE=content|ambassadors|metrics|gateway" >&2; exit 1 ;; \
    esac
COPY --from=uv /uv /usr/local/bin/uv
# Bytecode is compiled now because the runtime filesystem is read-only;
# the venv uses the base image's Python, never a downloaded one;
# --no-editable in the syncs below makes the venv self-contained.
ENV UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_PYTHON_DOWNLOADS=never \
    UV_PROJECT_ENVIRONMENT=/app/.venv
WORKDIR /src

# Layer 1: third-party dependencies only. It depends on the lockfile and the
# pyproject files, so editing source code does not reinstall them.
COPY pyproject.toml uv.lock ./
COPY libs/common/pyproject.toml libs/common/
COPY libs/testing/pyproject.toml libs/testing/
COPY services/content/pyproject.toml services/content/
COPY services/ambassadors/pyproject.toml services/ambassadors/
COPY services/metrics/pyproject.toml services/metrics/
COPY services/gateway/pyproject.toml services/gateway/
RUN --mount=type=cache,target=/root/.cache/uv \
    uv sync --frozen --no-dev --no-editable --no-install-workspace --package "$SERVICE"

# Layer 2: our own code (the shared lib and the one service being built).
COPY libs/ libs/
COPY services/${SERVICE}/ services/${SERVICE}/
RUN --mount=type=cache,target=/root/.cache/uv \
    uv sync --frozen --no-dev --no-editable --package "$SERVICE"

# Same base as the builder, so the venv's interpreter path stays valid.
FROM python:3.11-slim AS runtime
ARG SERVICE
LABEL org.opencontainers.image.title="advocacy-${SERVICE}"
RUN groupadd --system --gid 10001 app \
 && useradd --system --uid 10001 --gid app --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin app
# The venv stays root-owned: the app user can run the code but not change it.
COPY --from=builder /app/.venv /app/.venv
# uvicorn reads UVICORN_APP/HOST/PORT, so CMD needs no shell to pick the
# service; `python -m <service>.migrate` (migrations) overrides CMD.
ENV PATH="/app/.venv/bin:$PATH" \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    SERVICE="${SERVICE}" \
    UVICORN_APP="${SERVICE}.main:app" \
    UVICORN_HOST=0.0.0.0 \
    UVICORN_PORT=8000
WORKDIR /app
USER 10001:10001
EXPOSE 8000
CMD ["uvicorn"]
