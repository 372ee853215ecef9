package compose

import (
	"errors"
	"fmt"
	"net/mail"
	"reflect"
	"testing"
)

func TestParseAddressList(t *testing.T) {
	boi := mail.Address{Name: "Boi Manalu", Address: "boi@pematangsiantar.go.id"}
	bare := func(a string) mail.Address { return mail.Address{Address: a} }
	for _, tc := range []struct {
		in      string
		want    []mail.Address
		wantErr string // the Input of the *AddressError
	}{
		{"", nil, ""},
		{"  ,; ", nil, ""},
		{"boi@pematangsiantar.go.id", []mail.Address{bare("boi@pematangsiantar.go.id")}, ""},
		{`"Boi Manalu" <boi@pematangsiantar.go.id>`, []mail.Address{boi}, ""},
		{`Boi Manalu <boi@pematangsiantar.go.id>`, []mail.Address{boi}, ""},
		{`<boi@pematangsiantar.go.id>`, []mail.Address{bare("boi@pematangsiantar.go.id")}, ""},
		{"  boi@pematangsiantar.go.id ;  siti@pematangsiantar.go.id,", []mail.Address{bare("boi@pematangsiantar.go.id"), bare("siti@pematangsiantar.go.id")}, ""},
		{`"Manalu, Boi" <boi@pematangsiantar.go.id>; "Dinas; Kominfo" <kominfo@pematangsiantar.go.id>`, []mail.Address{
			{Name: "Manalu, Boi", Address: "boi@pematangsiantar.go.id"}, {Name: "Dinas; Kominfo", Address: "kominfo@pematangsiantar.go.id"}}, ""},
		{`Dr. Boi Manalu, S.Kom <boi@pematangsiantar.go.id>`, nil, "Dr. Boi Manalu"},
		{`"Dr. Boi Manalu, S.Kom" <boi@pematangsiantar.go.id>`, []mail.Address{{Name: "Dr. Boi Manalu, S.Kom", Address: "boi@pematangsiantar.go.id"}}, ""},
		{`Évaluasi Öztürk <e@example.co.id>`, []mail.Address{{Name: "Évaluasi Öztürk", Address: "e@example.co.id"}}, ""},
		{`Kadis (Kominfo) <kadis@pematangsiantar.go.id>`, []mail.Address{{Name: "Kadis", Address: "kadis@pematangsiantar.go.id"}}, ""},
		{`Boi "Ucok" Manalu <boi@pematangsiantar.go.id>`, []mail.Address{{Name: "Boi Ucok Manalu", Address: "boi@pematangsiantar.go.id"}}, ""},
		{`"a\"b" <ab@example.go.id>`, []mail.Address{{Name: `a"b`, Address: "ab@example.go.id"}}, ""},
		{"boi@pematangsiantar.go.id, siti", nil, "siti"},
		{"boi@localhost", nil, "boi@localhost"},
		{"boi@pematangsiantar", nil, "boi@pematangsiantar"},
		{"boi@[10.0.0.1]", nil, "boi@[10.0.0.1]"},
		{"boi@pematangsiantar..go.id", nil, "boi@pematangsiantar..go.id"},
		{"boi@-siantar.go.id", nil, "boi@-siantar.go.id"},
		{"boi@1.2.3.4", nil, "boi@1.2.3.4"},
		{"böi@pematangsiantar.go.id", nil, "böi@pematangsiantar.go.id"},
		{"boi @pematangsiantar.go.id", nil, "boi @pematangsiantar.go.id"},
		{"Boi Manalu boi@pematangsiantar.go.id", nil, "Boi Manalu boi@pematangsiantar.go.id"},
		{"boi@@pematangsiantar.go.id", nil, "boi@@pematangsiantar.go.id"},
		{"<boi@pematangsiantar.go.id", nil, "<boi@pematangsiantar.go.id"},
		{"ok@siantar.go.id; \"Rapat\r\nBcc: x@evil.example\" <a@siantar.go.id>", []mail.Address{
			bare("ok@siantar.go.id"), {Name: "Rapat Bcc: x@evil.example", Address: "a@siantar.go.id"}}, ""},
		{"a@siantar.go.id\r\nBcc: x@evil.example", nil, "a@siantar.go.id\r\nBcc: x@evil.example"},
	} {
		got, err := ParseAddressList(tc.in)
		if tc.wantErr != "" {
			var ae *AddressError
			if !errors.As(err, &ae) || ae.Input != tc.wantErr {
				t.Errorf("ParseAddressList(%q) = %v, %v; want *AddressError{%q}", tc.in, got, err, tc.wantErr)
			}
			continue
		}
		if err != nil || !reflect.DeepEqual(got, tc.want) {
			t.Errorf("ParseAddressList(%q) = %#v, %v; want %#v", tc.in, got, err, tc.want)
		}
	}
}

func TestFormatAddressList(t *testing.T) {
	as := []mail.Address{
		{Name: "Boi Manalu", Address: "boi@pematangsiantar.go.id"},
		{Address: "siti@pematangsiantar.go.id"},
		{Name: `Manalu, "Boi"; Évaluasi`, Address: "e@example.co.id"},
	}
	s := FormatAddressList(as)
	if want := `"Boi Manalu" <boi@pematangsiantar.go.id>, siti@pematangsiantar.go.id, "Manalu, \"Boi\"; Évaluasi" <e@example.co.id>`; s != want {
		t.Errorf("FormatAddressList = %s, want %s", s, want)
	}
	back, err := ParseAddressList(s)
	if err != nil || !reflect.DeepEqual(back, as) {
		t.Errorf("round trip: %#v, %v", back, err)
	}
	if FormatAddressList(nil) != "" {
		t.Error("empty list not empty")
	}
}

func TestParseAddressEntries(t *testing.T) {
	for in, want := range map[string][]string{
		`a@b.id, c@d.id; e@f.id`:           {"a@b.id", " c@d.id", " e@f.id"},
		`"Manalu, Boi" <boi@x.id>, c@d.id`: {`"Manalu, Boi" <boi@x.id>`, " c@d.id"},
		`Boi (Kominfo; TU) <boi@x.id>;`:    {"Boi (Kominfo; TU) <boi@x.id>", ""},
		`"a \"b, c\"" <x@y.id>`:            {`"a \"b, c\"" <x@y.id>`},
	} {
		if got := splitAddressList(in); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("split %s: %q, want %q", in, got, want)
		}
	}
	good, bad := ParseAddressEntries(`Boi <boi@pematangsiantar.go.id>, boi@; "x" <y>, c@d.id`)
	if len(good) != 2 || good[1].Address != "c@d.id" || fmt.Sprint(bad) != `[boi@ "x" <y>]` {
		t.Errorf("good %v bad %q", good, bad)
	}
}
