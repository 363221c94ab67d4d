package shared

import (
	"net"
	"strings"
)

// IsLoopback reports whether host (a name or an IP address, without a port)
// is "localhost" or a loopback address: the only hosts to which the API key
// may travel over plain http, and the only ones the fake listens on unless
// told otherwise.
func IsLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(strings.Trim(host, "[]"))
	return ip != nil && ip.IsLoopback()
}
