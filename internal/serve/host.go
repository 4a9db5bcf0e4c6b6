package serve

import (
	"net/netip"
	"strings"
)

// hostSet is the set of request hosts a Server answers besides the
// loopback ones, each in the form canonHost returns.
type hostSet map[string]bool

func newHostSet(hosts []string) hostSet {
	set := hostSet{}
	for _, h := range hosts {
		h = strings.TrimSuffix(strings.TrimPrefix(h, "["), "]")
		if h = canonHost(h); h != "" {
			set[h] = true
		}
	}
	return set
}

// allows reports whether a request whose Host header is hostport may be
// served: its host, with any port, must be a loopback name or address or
// one of the set.
func (set hostSet) allows(hostport string) bool {
	host, ok := splitHost(hostport)
	if !ok {
		return false
	}
	host = canonHost(host)
	if host == "" {
		return false
	}
	if host == "localhost" || set[host] {
		return true
	}
	ip, err := netip.ParseAddr(host)
	return err == nil && ip.Unmap().IsLoopback()
}

// splitHost returns the host of a Host header, "localhost:1313",
// "[::1]:1313", "[::1]" or "127.0.0.1", without brackets or port. A port,
// when present, must be decimal digits, possibly none.
func splitHost(hostport string) (string, bool) {
	host, port := hostport, ""
	if rest, ok := strings.CutPrefix(hostport, "["); ok {
		var found bool
		host, port, found = strings.Cut(rest, "]")
		if !found || (port != "" && port[0] != ':') {
			return "", false
		}
		port = strings.TrimPrefix(port, ":")
	} else if i := strings.LastIndexByte(hostport, ':'); i >= 0 {
		host, port = hostport[:i], hostport[i+1:]
		if strings.Contains(host, ":") {
			return "", false // an IPv6 address needs brackets
		}
	}
	for _, c := range port {
		if c < '0' || c > '9' {
			return "", false
		}
	}
	return host, true
}

// canonHost returns host in lower case without a final dot, and an IP
// address in its canonical form, so that equal hosts compare equal.
func canonHost(host string) string {
	if ip, err := netip.ParseAddr(host); err == nil {
		return ip.Unmap().String()
	}
	return strings.TrimSuffix(strings.ToLower(host), ".")
}
