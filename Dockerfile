FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 VAR_DIR=/app/var
WORKDIR /app
COPY pyproject.toml constraints.txt README.md ./
COPY config ./config
COPY collections_app ./collections_app
COPY manage.py Procfile ./
RUN pip install --no-cache-dir -c constraints.txt . \
    && SECRET_KEY=build-only python manage.py collectstatic --noinput --verbosity 0
RUN useradd --create-home app && mkdir -p /app/var/media && chown -R app /app/var
USER app
EXPOSE 8000
CMD ["gunicorn", "config.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3"]
