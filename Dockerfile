# Production-like image: the same code as development, configured by environment variables.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
WORKDIR /app

COPY . .
RUN pip install --upgrade pip && pip install -e . \
    && useradd --create-home --uid 1000 portal \
    && pybabel compile --domain "django djangojs" --directory locale \
    && SECRET_KEY=collectstatic-at-build-time-only EMAIL_BACKEND=django.core.mail.backends.dummy.EmailBackend \
       python manage.py collectstatic --noinput \
    && mkdir -p var media && chown -R portal:portal var media

USER portal
EXPOSE 8000
# Access log: path only (no query string, client address, referer or user agent); see the config file.
CMD ["gunicorn", "--config", "portal/gunicorn.conf.py"]
