// CoreDNS with just the plugins the test cluster's DNS uses (scripts/cluster.sh): the kubernetes plugin
// answers for cluster.local, the rest keep it observable. Built from CoreDNS's own Go module; the full
// upstream binary links every plugin (cloud DNS back ends and more) and takes several times as long to build.
package main

import (
	"github.com/coredns/coredns/coremain"

	_ "github.com/coredns/coredns/plugin/bind"
	_ "github.com/coredns/coredns/plugin/cache"
	_ "github.com/coredns/coredns/plugin/errors"
	_ "github.com/coredns/coredns/plugin/health"
	_ "github.com/coredns/coredns/plugin/kubernetes"
	_ "github.com/coredns/coredns/plugin/log"
	_ "github.com/coredns/coredns/plugin/ready"
)

func main() {
	coremain.Run()
}
