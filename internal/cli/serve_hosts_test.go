package cli

import (
	"net"
	"slices"
	"strings"
	"testing"
)

func TestServeHostsBeyondLoopback(t *testing.T) {
	local := []net.Addr{
		&net.IPNet{IP: net.ParseIP("127.0.0.1"), Mask: net.CIDRMask(8, 32)},
		&net.IPNet{IP: net.ParseIP("192.168.1.5"), Mask: net.CIDRMask(24, 32)},
		&net.IPNet{IP: net.ParseIP("fd00::2"), Mask: net.CIDRMask(64, 128)},
	}
	tests := []struct {
		flag, bound string
		hosts       []string
		warning     string // a part of it; "" for none
	}{
		{"127.0.0.1:1313", "127.0.0.1:1313", nil, ""},
		{"localhost:1313", "127.0.0.1:1313", nil, ""},
		{"[::1]:0", "[::1]:40000", nil, ""},
		{"127.0.0.2:0", "127.0.0.2:40000", nil, ""},
		{":1313", "[::]:1313", []string{"::", "192.168.1.5", "fd00::2"}, "listening on all interfaces ([::]:1313); anyone on your network"},
		{"0.0.0.0:1313", "0.0.0.0:1313", []string{"0.0.0.0", "0.0.0.0", "192.168.1.5", "fd00::2"}, "listening on all interfaces (0.0.0.0:1313)"},
		{"192.168.1.5:1313", "192.168.1.5:1313", []string{"192.168.1.5", "192.168.1.5"}, "listening on 192.168.1.5:1313, not only on this machine"},
		{"preview.lan:1313", "192.168.1.5:1313", []string{"192.168.1.5", "preview.lan"}, "anyone on your network can read the preview"},
	}
	for _, tt := range tests {
		bound, err := net.ResolveTCPAddr("tcp", tt.bound)
		if err != nil {
			t.Fatal(err)
		}
		hosts, warning := listenHosts(tt.flag, bound, local)
		if !slices.Equal(hosts, tt.hosts) {
			t.Errorf("listenHosts(%q, %s) hosts = %q, want %q", tt.flag, bound, hosts, tt.hosts)
		}
		if tt.warning == "" && warning != "" || !strings.Contains(warning, tt.warning) {
			t.Errorf("listenHosts(%q, %s) warning = %q, want %q", tt.flag, bound, warning, tt.warning)
		}
	}
}
