package pgtest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"os"
	"path/filepath"
	"time"
)

// ServerName is the only name the cluster's certificate is issued for:
// connecting to 127.0.0.1 with sslmode=verify-full fails the name check.
const ServerName = "localhost"

// writeCerts makes a throwaway certificate authority and a server
// certificate for ServerName signed by it, in dir: root.crt, server.crt
// and server.key (0600, as PostgreSQL demands).
func writeCerts(dir string, owner *account) error {
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return err
	}
	now := time.Now()
	ca := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "TechWalk test CA"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour), IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign}
	caDER, err := x509.CreateCertificate(rand.Reader, ca, ca, &caKey.PublicKey, caKey)
	if err != nil {
		return err
	}
	srvKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return err
	}
	srv := &x509.Certificate{SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: ServerName}, DNSNames: []string{ServerName},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour), KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	srvDER, err := x509.CreateCertificate(rand.Reader, srv, ca, &srvKey.PublicKey, caKey)
	if err != nil {
		return err
	}
	keyDER, err := x509.MarshalECPrivateKey(srvKey)
	if err != nil {
		return err
	}
	files := []struct {
		name, kind string
		der        []byte
		mode       os.FileMode
	}{{"root.crt", "CERTIFICATE", caDER, 0o644}, {"server.crt", "CERTIFICATE", srvDER, 0o644}, {"server.key", "EC PRIVATE KEY", keyDER, 0o600}}
	for _, f := range files {
		path := filepath.Join(dir, f.name)
		if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: f.kind, Bytes: f.der}), f.mode); err != nil {
			return err
		}
		if err := owner.chown(path); err != nil {
			return err
		}
	}
	return nil
}

// RootCert is the file of the certificate authority that signed the
// server's certificate, for sslrootcert=.
func (s *Server) RootCert() string { return filepath.Join(s.dir, "root.crt") }
