package endpoint

import "testing"

func TestParse(t *testing.T) {
	schemes := []Scheme{{"imaps", TLS, "993"}, {"imap", StartTLS, "143"}, {"imap+insecure", None, "143"}}
	tests := []struct {
		in, addr string
		sec      Security
		ok       bool
	}{
		{"imaps://mail.example.org", "mail.example.org:993", TLS, true},
		{"imap://mail.example.org:1143", "mail.example.org:1143", StartTLS, true},
		{"imap+insecure://127.0.0.1:1143", "127.0.0.1:1143", None, true},
		{"imap+insecure://[::1]", "[::1]:143", None, true},
		{"imap+insecure://localhost", "localhost:143", None, true},
		{"imap+insecure://10.0.0.1", "", 0, false},
		{"imap+insecure://mail.example.org", "", 0, false},
		{"imaps://user:pw@mail.example.org", "", 0, false},
		{"imaps://mail.example.org/INBOX", "", 0, false},
		{"imaps://mail.example.org?x=1", "", 0, false},
		{"imaps://", "", 0, false},
		{"http://mail.example.org", "", 0, false},
		{"mail.example.org:993", "", 0, false},
	}
	for _, tt := range tests {
		s, addr, err := Parse("IMAP", tt.in, schemes)
		if (err == nil) != tt.ok {
			t.Errorf("Parse(%q): %v", tt.in, err)
			continue
		}
		if tt.ok && (addr != tt.addr || s.Security != tt.sec) {
			t.Errorf("Parse(%q) = %v %q", tt.in, s.Security, addr)
		}
	}
}
