# The reconcile container: slim, non-root, the wheel installed, `reconcile` as the entry point.
#   docker build -t reconcile:0.3.0 .
#   docker run --rm -v "$PWD:/work" -w /work reconcile:0.3.0 validate policies/
# The base is pinned to a full version; pin it to its digest (python:3.12.7-slim-bookworm@sha256:…)
# in your own registry mirror for byte-for-byte rebuilds.
FROM python:3.12.7-slim-bookworm AS build
WORKDIR /src
COPY pyproject.toml README.md LICENSE CHANGELOG.md ./
COPY reconciler ./reconciler
COPY tests/specs ./tests/specs
RUN pip install --no-cache-dir "build==1.2.2.post1" "setuptools==80.9.0" \
    && python -m build --wheel --no-isolation --outdir /dist .

FROM python:3.12.7-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1
COPY --from=build /dist /dist
RUN pip install --no-cache-dir /dist/*.whl \
    && rm -rf /dist \
    && useradd --create-home --uid 10001 --shell /usr/sbin/nologin reconcile
USER 10001
WORKDIR /work
ENTRYPOINT ["reconcile"]
CMD ["--help"]
