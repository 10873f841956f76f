//go:build tools

// The test cluster's Kubernetes components (scripts/cluster/build.sh builds them from this module): the
// pinned k8s.io/kubernetes release, with every staging module replaced by its matching release, which is
// how the Kubernetes commands build from outside their own repository.
package tools

import (
	_ "k8s.io/kubernetes/cmd/kube-apiserver"
	_ "k8s.io/kubernetes/cmd/kube-controller-manager"
	_ "k8s.io/kubernetes/cmd/kube-proxy"
	_ "k8s.io/kubernetes/cmd/kube-scheduler"
	_ "k8s.io/kubernetes/cmd/kubectl"
	_ "k8s.io/kubernetes/cmd/kubelet"
)
