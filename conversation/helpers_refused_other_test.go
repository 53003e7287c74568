//go:build !unix

package conversation

import (
	"net"
	"testing"
)

// refusedAddr returns a loopback address nothing listens on: a port that
// was just bound and released. Unlike the unix version, which keeps the
// port bound, another listener may take the port in between.
func refusedAddr(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}
