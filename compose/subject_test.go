package compose

import "testing"

func TestReplyForwardSubject(t *testing.T) {
	for _, tc := range []struct{ in, reply, forward string }{
		{"Rapat", "Re: Rapat", "Fwd: Rapat"},
		{"Re: Rapat", "Re: Rapat", "Fwd: Rapat"},
		{"Re: Re: Rapat", "Re: Rapat", "Fwd: Rapat"},
		{"RE: re: Re:Rapat", "Re: Rapat", "Fwd: Rapat"},
		{"Fwd: Rapat", "Re: Rapat", "Fwd: Rapat"},
		{"FW: Fw: Rapat", "Re: Rapat", "Fwd: Rapat"},
		{"AW: WG: Rapat", "Re: Rapat", "Fwd: Rapat"},
		{"Bls: Rapat", "Re: Rapat", "Fwd: Rapat"},
		{"Trs: Bls: Rapat", "Re: Rapat", "Fwd: Rapat"},
		{"Balas: Rapat", "Re: Rapat", "Fwd: Rapat"},
		{"TR: RE : Rapat", "Re: Rapat", "Fwd: Rapat"},
		{"Re[2]: Rapat", "Re: Rapat", "Fwd: Rapat"},
		{"Re(3): Rapat", "Re: Rapat", "Fwd: Rapat"},
		{"SV: Rapat", "Re: Rapat", "Fwd: Rapat"},
		{"[External] Re: Rapat", "Re: [External] Rapat", "Fwd: [External] Rapat"},
		{"Re: [External] Re: [EXTERNAL] Rapat", "Re: [External] Rapat", "Fwd: [External] Rapat"},
		{"[OPD] [Penting] Rapat", "Re: [OPD] [Penting] Rapat", "Fwd: [OPD] [Penting] Rapat"},
		{"Report: Rapat", "Re: Report: Rapat", "Fwd: Report: Rapat"},
		{"Rencana: Re-evaluasi", "Re: Rencana: Re-evaluasi", "Fwd: Rencana: Re-evaluasi"},
		{"Tragedi", "Re: Tragedi", "Fwd: Tragedi"},
		{"Rapat [revisi]", "Re: Rapat [revisi]", "Fwd: Rapat [revisi]"},
		{"", "Re:", "Fwd:"},
		{"Re:", "Re:", "Fwd:"},
		{"  Re:   Undangan  ", "Re: Undangan", "Fwd: Undangan"},
		{"Re: Rapat\r\nBcc: x@evil.example", "Re: Rapat Bcc: x@evil.example", "Fwd: Rapat Bcc: x@evil.example"},
	} {
		if got := ReplySubject(tc.in); got != tc.reply {
			t.Errorf("ReplySubject(%q) = %q, want %q", tc.in, got, tc.reply)
		}
		if got := ForwardSubject(tc.in); got != tc.forward {
			t.Errorf("ForwardSubject(%q) = %q, want %q", tc.in, got, tc.forward)
		}
	}
}
