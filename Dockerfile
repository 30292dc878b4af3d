# Khabardar: the bot and its HTTP API in one process.
FROM python:3.11-slim AS base

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DATABASE_URL=sqlite:////data/khabardar.db \
    HTTP_HOST=0.0.0.0 \
    HTTP_PORT=8080

WORKDIR /app
# Pillow's wheel brings raqm and HarfBuzz but loads FriBiDi from the system: without it the map
# cannot join Urdu letters and falls back to English labels (views/map_text.py).
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends libfribidi0 \
    && rm -rf /var/lib/apt/lists/*
# .dockerignore keeps tests, the fakes, data and any virtualenv out of the image. requirements.lock is a
# constraints file: it pins versions of the runtime dependencies without installing dev tools.
COPY . .
RUN pip install -c requirements.lock . \
    && useradd --system --uid 10001 --home-dir /app khabardar \
    && mkdir -p /data && chown khabardar /data

USER 10001
# The embedded SQLite database lives here; mount a volume to keep it across containers.
VOLUME ["/data"]

EXPOSE 8080

# Liveness: the database answers and the schema is current (GET /healthz says the same over HTTP).
HEALTHCHECK --interval=30s --timeout=10s --start-period=30s --retries=3 \
    CMD ["python", "main.py", "check"]

CMD ["python", "main.py", "run"]
