# syntax=docker/dockerfile:1
# Build: docker build -t nrtd .
# Run:   docker compose up (docker-compose.yml: PostgreSQL, Redis, migrations once, two API replicas),
#        or by hand, migrations first and once per release:
#          docker run --rm -e NRTD_DATABASE_URL=... nrtd nrtd migrate
#          docker run -p 8000:8000 -e NRTD_DATABASE_URL=... -e NRTD_COUNTRY=Peru nrtd
# Reproducible: every Python package comes from requirements.lock, pinned with its hashes
# (regenerate it as docs/deployment.md says); pin the base image by digest with
# --build-arg PYTHON_IMAGE=python:3.11-slim@sha256:<digest>.

ARG PYTHON_IMAGE=python:3.11-slim

FROM ${PYTHON_IMAGE} AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src
RUN python -m venv /opt/nrtd
# Dependencies first (their own layer, rebuilt only when the lock changes): every file's hash is
# checked, and nothing that is not in the lock can be installed.
COPY requirements.lock ./
RUN /opt/nrtd/bin/pip install --require-hashes --no-deps -r requirements.lock
COPY pyproject.toml README.md ./
COPY app ./app
COPY importers ./importers
# The project itself: no dependency resolution, built with the locked setuptools.
RUN /opt/nrtd/bin/pip install --no-deps --no-build-isolation . && /opt/nrtd/bin/pip check

FROM ${PYTHON_IMAGE} AS runtime
ENV PATH=/opt/nrtd/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    NRTD_DATABASE_URL=sqlite:////data/nrtd.db \
    NRTD_STORAGE_DIR=/data/storage
RUN groupadd --system nrtd && useradd --system --gid nrtd --home-dir /srv/nrtd nrtd \
    && mkdir -p /srv/nrtd /data/storage && chown -R nrtd:nrtd /data
WORKDIR /srv/nrtd
COPY --from=build /opt/nrtd /opt/nrtd
COPY alembic.ini ./
COPY migrations ./migrations
USER nrtd
EXPOSE 8000
VOLUME ["/data"]
# Ready = the database answers and its schema is the newest: a replica started before the migrations
# ran stays out of the balancer instead of answering 500s.
HEALTHCHECK --interval=15s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/readyz', timeout=4)"]
# The API only. Migrations are a separate, one-off step (`nrtd migrate`, the `migrate` service of
# docker-compose.yml): several replicas starting at once must not each alter the schema.
# NRTD_IMPORT_SCHEDULE turns on the built-in import schedule (one replica imports at a time).
CMD ["nrtd", "serve", "--host", "0.0.0.0", "--port", "8000"]
