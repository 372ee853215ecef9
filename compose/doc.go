// Package compose builds outgoing messages: it turns what the compose form
// holds (a [Message]) into RFC 5322/MIME bytes with go-message, ready to be
// submitted over SMTP and appended to Sent or Drafts.
//
// The package does no I/O with servers. It also holds the helpers the
// compose page needs around that: parsing what a user types in To/Cc/Bcc
// ([ParseAddressList]), reply and forward subjects, the HTML policy for what
// we send ([SanitizeHTML]), the text/plain alternative ([HTMLToText]) and
// the quoted original of a reply or forward ([QuoteReply], [ForwardBody]).
//
// Everything that reaches a header is cleaned first: no CR or LF from user
// input can start a new header field (RFC 5322 section 2.2).
package compose
