package compose

import (
	"regexp"
	"strings"
)

// replyPrefix matches one reply or forward prefix as mail programs write
// them in many languages, with an optional counter ("Re[2]:", "RE (3):")
// and a space before the colon as French clients write it ("RE :").
// Indonesian Outlook writes "Bls:" (balas) and "Trs:" (teruskan).
var replyPrefix = regexp.MustCompile(`(?i)^(re|res|aw|sv|vs|antw|odp|ynt|bls|balas|fwd?|wg|tr|trs|rv|enc|doorst|vb|fs|pd|terusan|teruskan)\s*(\[\d+\]|\(\d+\))?\s*[:：]\s*`)

// subjectTag matches a leading tag like "[External]" or "[Dinas-L]".
var subjectTag = regexp.MustCompile(`^\[[^\[\]]{1,40}\]\s*`)

// splitSubject removes all leading reply/forward prefixes of s and returns
// the tags found among them (kept in order, each once) and the rest.
func splitSubject(s string) (tags []string, rest string) {
	rest = strings.TrimSpace(cleanHeaderText(s))
	for {
		if m := replyPrefix.FindString(rest); m != "" {
			rest = rest[len(m):]
			continue
		}
		if m := subjectTag.FindString(rest); m != "" {
			tag := strings.TrimSpace(m)
			dup := false
			for _, t := range tags {
				dup = dup || strings.EqualFold(t, tag)
			}
			if !dup {
				tags = append(tags, tag)
			}
			rest = rest[len(m):]
			continue
		}
		return tags, strings.TrimSpace(rest)
	}
}

func prefixSubject(prefix, s string) string {
	tags, rest := splitSubject(s)
	parts := append([]string{prefix}, tags...)
	if rest != "" {
		parts = append(parts, rest)
	}
	return strings.Join(parts, " ")
}

// ReplySubject is the subject of a reply to a message with subject s:
// "Re: " once, whatever reply or forward prefixes s already had
// ("Re: Re: x", "Bls: RE: x", "AW: Fwd: x" all give "Re: x"). Leading tags
// such as "[External]" are kept, once each, after the prefix.
func ReplySubject(s string) string {
	return prefixSubject("Re:", s)
}

// ForwardSubject is the subject of a forward of a message with subject s:
// "Fwd: " once, with the earlier reply and forward prefixes removed as in
// ReplySubject.
func ForwardSubject(s string) string {
	return prefixSubject("Fwd:", s)
}
