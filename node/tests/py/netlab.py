"""Hosts in network namespaces on one bridge, for tests that cut a real network link.

Each host is a namespace (`ip netns`) with one veth into a bridge in the test's own namespace, where the
test itself sits (it reaches every host at 10.<net>.0.<i>). `cut(host)` takes the host's link down, so the
host keeps talking to itself (a client running beside its server on 127.0.0.1) and to nobody else;
`heal(host)` brings it back. Needs root (CI and scripts/test.sh run as root).
"""
import os
import subprocess

_next = [0]


def sh(*cmd, check=True):
    r = subprocess.run(cmd, capture_output=True, text=True)
    if check and r.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)}: {r.stderr.strip()}")
    return r


class Lab:
    def __init__(self, hosts):
        _next[0] += 1
        tag = f"{os.getpid() % 10000}{_next[0]}"
        self.prefix = f"rl{tag}"[:9]
        self.net = 100 + (os.getpid() * 7 + _next[0]) % 150
        self.bridge = f"{self.prefix}br"
        self.hosts = {}
        self.procs = []
        self.rule = None
        try:
            sh("ip", "link", "add", self.bridge, "type", "bridge")
            sh("ip", "addr", "add", f"10.{self.net}.0.254/24", "dev", self.bridge)
            sh("ip", "link", "set", self.bridge, "up")
            # A bridge netfilter (br_netfilter, loaded by a Kubernetes node) would run the bridged
            # frames through FORWARD, which such a node may set to DROP: let ours through.
            rule = ["FORWARD", "-i", self.bridge, "-o", self.bridge, "-j", "ACCEPT"]
            if sh("iptables", "-I", *rule, check=False).returncode == 0:
                self.rule = rule
            for i, h in enumerate(hosts, 1):
                ns, veth = f"{self.prefix}-{h}", f"{self.prefix}v{i}"
                sh("ip", "netns", "add", ns)
                sh("ip", "link", "add", veth, "type", "veth", "peer", "name", "eth0", "netns", ns)
                sh("ip", "link", "set", veth, "master", self.bridge, "up")
                ip = f"10.{self.net}.0.{i}"
                sh("ip", "netns", "exec", ns, "ip", "addr", "add", f"{ip}/24", "dev", "eth0")
                sh("ip", "netns", "exec", ns, "ip", "link", "set", "eth0", "up")
                sh("ip", "netns", "exec", ns, "ip", "link", "set", "lo", "up")
                self.hosts[h] = (ns, veth, ip)
        except Exception:
            self.close()
            raise

    def ip(self, host):
        return self.hosts[host][2]

    def popen(self, host, cmd, **kw):
        p = subprocess.Popen(["ip", "netns", "exec", self.hosts[host][0], *cmd], **kw)
        self.procs.append(p)
        return p

    def cut(self, host):
        sh("ip", "link", "set", self.hosts[host][1], "down")

    def heal(self, host):
        sh("ip", "link", "set", self.hosts[host][1], "up")

    def close(self):
        for p in self.procs:
            if p.poll() is None:
                p.kill()
                p.wait(10)
        for ns, _, _ in self.hosts.values():
            sh("ip", "netns", "del", ns, check=False)
        if self.rule:
            sh("iptables", "-D", *self.rule, check=False)
        sh("ip", "link", "del", self.bridge, check=False)
