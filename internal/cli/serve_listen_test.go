package cli_test

import (
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
)

func TestServeWarnsWhenListeningBeyondLoopback(t *testing.T) {
	const warning = "folio serve: warning: listening on all interfaces ("
	tests := []struct {
		addr string
		warn bool
	}{
		{"127.0.0.1:0", false},
		{"localhost:0", false},
		{":0", true},
		{"0.0.0.0:0", true},
	}
	root := writeSite(t, liveSite)
	for _, tt := range tests {
		p := startFolio(t, "serve", "--source", root, "--addr", tt.addr)
		// The warning comes first, on stderr; stdout still starts with the URL.
		u, ok := strings.CutPrefix(p.first, "serving at http://")
		if !ok {
			t.Fatalf("--addr %s: first line = %q, want \"serving at http://…\"", tt.addr, p.first)
		}
		_, port, err := net.SplitHostPort(strings.TrimSuffix(u, "/"))
		if err != nil {
			t.Fatalf("--addr %s: first line %q: %v", tt.addr, p.first, err)
		}
		stderr := p.stderr.String()
		if got := strings.Contains(stderr, warning); got != tt.warn {
			t.Errorf("--addr %s: stderr has warning %q: %v, want %v\nstderr:\n%s", tt.addr, warning, got, tt.warn, stderr)
		}
		if tt.warn && !strings.Contains(stderr, ":"+port+"); anyone on your network can read the preview\n") {
			t.Errorf("--addr %s: warning does not name port %s and the risk:\n%s", tt.addr, port, stderr)
		}

		// Every request goes to 127.0.0.1; only its Host header differs.
		hosts := map[string]int{
			"127.0.0.1:" + port:          200,
			"localhost:" + port:          200,
			"evil.example:" + port:       421,
			"evil.example":               421,
			"192.0.2.200.nip.io:" + port: 421,
		}
		if tt.warn {
			for _, ip := range localAddrs(t) {
				hosts[net.JoinHostPort(ip, port)] = 200
			}
		}
		for host, want := range hosts {
			req, err := http.NewRequest("GET", "http://127.0.0.1:"+port+"/", nil)
			if err != nil {
				t.Fatal(err)
			}
			req.Host = host
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatalf("--addr %s: GET / with Host %q: %v", tt.addr, host, err)
			}
			body, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if res.StatusCode != want {
				t.Errorf("--addr %s: GET / with Host %q = %d, want %d\n%s", tt.addr, host, res.StatusCode, want, body)
			}
		}
		if code, _ := p.stop(t); code != 0 {
			t.Errorf("--addr %s: folio serve exited with %d\nstderr:\n%s", tt.addr, code, p.stderr)
		}
	}
}

// localAddrs returns this machine's addresses other than loopback ones.
func localAddrs(t *testing.T) []string {
	t.Helper()
	addrs, err := net.InterfaceAddrs()
	if err != nil {
		t.Fatal(err)
	}
	var ips []string
	for _, a := range addrs {
		if n, ok := a.(*net.IPNet); ok && !n.IP.IsLoopback() && !n.IP.IsLinkLocalUnicast() {
			ips = append(ips, n.IP.String())
		}
	}
	return ips
}
