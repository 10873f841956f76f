"""Test certificates made with the openssl command line: a CA, server and client certificates it
signs, a second CA with a client certificate of its own (the wrong CA), an expired client
certificate, and a second server certificate for rotation. EC P-256 keys, to keep it fast.
"""
import os
import subprocess

CA_CONF = """[ ca ]
default_ca = test_ca
[ test_ca ]
dir = {dir}
database = {dir}/index.txt
new_certs_dir = {dir}
serial = {dir}/serial
default_md = sha256
policy = any
copy_extensions = copy
[ any ]
commonName = supplied
"""


def _run(*args, cwd):
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True)


def _key(d, name):
    _run("ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", f"{name}.key", cwd=d)
    # PKCS#8, the form both OpenSSL and rustls read.
    _run("pkcs8", "-topk8", "-nocrypt", "-in", f"{name}.key", "-out", f"{name}.key.p8", cwd=d)
    os.replace(os.path.join(d, f"{name}.key.p8"), os.path.join(d, f"{name}.key"))


def _ca(d, name):
    _key(d, name)
    _run("req", "-x509", "-new", "-key", f"{name}.key", "-sha256", "-days", "3650", "-subj", f"/CN={name}", "-out", f"{name}.crt", cwd=d)


def _signed(d, name, ca, san=None, days="365"):
    _key(d, name)
    _run("req", "-new", "-key", f"{name}.key", "-subj", f"/CN={name}", "-out", f"{name}.csr", cwd=d)
    ext = os.path.join(d, f"{name}.ext")
    with open(ext, "w") as f:
        f.write("basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\n"
                "extendedKeyUsage=serverAuth,clientAuth\n")
        if san:
            f.write(f"subjectAltName={san}\n")
    _run("x509", "-req", "-in", f"{name}.csr", "-CA", f"{ca}.crt", "-CAkey", f"{ca}.key", "-CAcreateserial",
         "-days", days, "-sha256", "-extfile", ext, "-out", f"{name}.crt", cwd=d)


def _expired(d, name, ca):
    """A certificate valid only in 2020 (`openssl ca` sets any validity period)."""
    _key(d, name)
    _run("req", "-new", "-key", f"{name}.key", "-subj", f"/CN={name}", "-out", f"{name}.csr", cwd=d)
    with open(os.path.join(d, "index.txt"), "w"):
        pass
    with open(os.path.join(d, "serial"), "w") as f:
        f.write("1000\n")
    conf = os.path.join(d, "ca.conf")
    with open(conf, "w") as f:
        f.write(CA_CONF.format(dir=d))
    _run("ca", "-batch", "-config", conf, "-cert", f"{ca}.crt", "-keyfile", f"{ca}.key", "-in", f"{name}.csr",
         "-startdate", "20200101000000Z", "-enddate", "20200102000000Z", "-out", f"{name}.crt", cwd=d)


def make(d):
    """Writes every file into `d`; returns a dict of paths."""
    _ca(d, "ca")
    _ca(d, "otherca")
    _signed(d, "server", "ca", san="IP:127.0.0.1,DNS:localhost")
    _signed(d, "server2", "ca", san="IP:127.0.0.1,DNS:localhost")
    _signed(d, "client", "ca")
    _signed(d, "stranger", "otherca")
    _expired(d, "expired", "ca")
    # The server's key encrypted with a passphrase (tls-key-file-pass): PKCS#8 PBES2, PBKDF2 with
    # HMAC-SHA256 and AES-256-CBC, OpenSSL 3's default.
    _run("pkcs8", "-topk8", "-in", "server.key", "-out", "server-enc.key", "-v2", "aes-256-cbc", "-passout", "pass:key-secret", cwd=d)
    return {n: os.path.join(d, n) for n in ("ca", "otherca", "server", "server2", "client", "stranger", "expired", "server-enc")}
