# syntax=docker/dockerfile:1
# Build: docker build -t nrtd .
# Run:   docker run -p 8000:8000 -e NRTD_DATABASE_URL=postgresql://user:pass@db:5432/nrtd -e NRTD_COUNTRY=Peru nrtd

FROM python:3.11-slim AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src
RUN python -m venv /opt/nrtd
COPY pyproject.toml README.md ./
COPY app ./app
COPY importers ./importers
RUN /opt/nrtd/bin/pip install --upgrade pip && /opt/nrtd/bin/pip install .

FROM python:3.11-slim AS runtime
ENV PATH=/opt/nrtd/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    NRTD_DATABASE_URL=sqlite:////data/nrtd.db
RUN groupadd --system nrtd && useradd --system --gid nrtd --home-dir /srv/nrtd nrtd \
    && mkdir -p /srv/nrtd /data && chown nrtd:nrtd /data
WORKDIR /srv/nrtd
COPY --from=build /opt/nrtd /opt/nrtd
COPY alembic.ini ./
COPY migrations ./migrations
USER nrtd
EXPOSE 8000
VOLUME ["/data"]
HEALTHCHECK --interval=30s --timeout=5s CMD python -c "import urllib.request,sys; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4)" || exit 1
# Migrations first (safe to run from every replica: Alembic serialises on the version table),
# then the API; NRTD_IMPORT_SCHEDULE turns on the built-in import schedule.
CMD ["sh", "-c", "nrtd migrate && exec nrtd serve --host 0.0.0.0 --port 8000"]
