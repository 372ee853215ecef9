package imapclient

import (
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/emersion/go-imap/v2"
)

// param returns a MIME parameter, joining RFC 2231 continuations
// (name*0*=utf-8”..., name*1*=...) and decoding RFC 2231 or RFC 2047.
// Servers pass BODYSTRUCTURE parameters on raw, so this is ours to do.
func param(params map[string]string, name string) string {
	if v, ok := params[name]; ok {
		return v
	}
	if v, ok := params[name+"*"]; ok {
		return decode2231(v)
	}
	type piece struct {
		n       int
		v       string
		encoded bool
	}
	var pieces []piece
	for k, v := range params {
		rest, ok := strings.CutPrefix(k, name+"*")
		if !ok {
			continue
		}
		encoded := strings.HasSuffix(rest, "*")
		n, err := strconv.Atoi(strings.TrimSuffix(rest, "*"))
		if err != nil {
			continue
		}
		pieces = append(pieces, piece{n, v, encoded})
	}
	if len(pieces) == 0 {
		return ""
	}
	sort.Slice(pieces, func(i, j int) bool { return pieces[i].n < pieces[j].n })
	// The charset prefix is only on the first piece; percent-decode each
	// encoded piece to bytes, then convert the whole.
	var cs string
	var raw strings.Builder
	for i, p := range pieces {
		v := p.v
		if p.encoded {
			if i == 0 {
				if parts := strings.SplitN(v, "'", 3); len(parts) == 3 {
					cs, v = parts[0], parts[2]
				}
			}
			if u, err := url.PathUnescape(v); err == nil {
				v = u
			}
		}
		raw.WriteString(v)
	}
	return convert(raw.String(), cs)
}

// decode2231 decodes a single charset'lang'percent-encoded value.
func decode2231(v string) string {
	parts := strings.SplitN(v, "'", 3)
	if len(parts) != 3 {
		return v
	}
	u, err := url.PathUnescape(parts[2])
	if err != nil {
		return parts[2]
	}
	return convert(u, parts[0])
}

// convert turns bytes in charset cs into UTF-8, keeping them as they are
// when the charset is unknown.
func convert(s, cs string) string {
	if cs == "" || strings.EqualFold(cs, "utf-8") || strings.EqualFold(cs, "us-ascii") {
		return strings.ToValidUTF8(s, "\uFFFD")
	}
	var problems []string
	return toUTF8([]byte(s), strings.ToLower(cs), &problems)
}

// partFilename is the file name of a part: Content-Disposition filename,
// else Content-Type name, RFC 2231 and RFC 2047 decoded.
func partFilename(p *imap.BodyStructureSinglePart) string {
	var name string
	if d := p.Disposition(); d != nil {
		name = param(d.Params, "filename")
	}
	if name == "" {
		name = param(p.Params, "name")
	}
	if strings.Contains(name, "=?") {
		if dec, err := wordDecoder.DecodeHeader(name); err == nil {
			name = dec
		}
	}
	return headerText(name)
}
