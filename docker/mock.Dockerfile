# The mock server as an image, for CI service containers (docs/ci.md):
#   docker build -f docker/mock.Dockerfile -t twosms-mock .
#   docker run -p 8080:8080 twosms-mock
# In a container it listens on every interface of the container (0.0.0.0), so that the
# job's runner reaches it through the published port.
FROM python:3.11-slim
WORKDIR /kit
COPY . .
RUN pip install --no-cache-dir . && rm -rf /kit/.git
EXPOSE 8080
CMD ["twosms-contract", "mock", "--host", "0.0.0.0", "--port", "8080"]
