# The site as a container: gunicorn managing uvicorn workers, running as an unprivileged user.
# Build: docker build -t mysite .      Run: see docker-compose.yml and docs/deployment.md.
# Settings come from the environment at run time; no .env or secret is copied into the image.
FROM python:3.11-slim

# Nothing is written at run time (the code is read-only to the site's user): every module is
# byte-compiled at build instead, below, and Python reads those .pyc files with this set too.
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    WEB_CONCURRENCY=2

WORKDIR /app

# Dependencies first, read from pyproject.toml alone: this layer is rebuilt only when they change,
# not on every code edit. pip byte-compiles what it installs; compileall then covers anything it
# left out, and like pip's own step it does not fail the build on a library's uncompilable file.
COPY pyproject.toml ./
RUN python3 -c "import tomllib; p = tomllib.load(open('pyproject.toml', 'rb'))['project']; \
print('\n'.join(p['dependencies'] + p['optional-dependencies']['deploy']))" > /tmp/requirements.txt \
    && pip install -r /tmp/requirements.txt \
    && rm /tmp/requirements.txt \
    && (python3 -m compileall -q "$(python3 -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')" || true)

RUN useradd --create-home --uid 10001 nori
# The code stays owned by root: the site's user can read it but not change it.
COPY . .
# Byte-compiled once here, so no command or worker compiles the project from source at each start
# (about a fifth of a command's start-up otherwise; see docs/performance.md).
RUN python3 -m compileall -q nori.py rootsystem seeders migrations
USER nori

EXPOSE 8000

# Exec form without a shell: gunicorn itself reads WEB_CONCURRENCY as its worker count.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python3", "-c", "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/health', timeout=4).status != 200)"]

CMD ["gunicorn", "asgi:app", "--chdir", "rootsystem/application", "--worker-class", "core.worker.NoriWorker", "--bind", "0.0.0.0:8000", "--access-logfile", "-"]
