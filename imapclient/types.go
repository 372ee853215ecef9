package imapclient

import "time"

// Role is the special use of a folder (RFC 6154), detected from LIST
// attributes, XLIST or well-known names.
type Role string

// Folder roles, in the order the UI lists them.
const (
	RoleNone    Role = ""
	RoleInbox   Role = "inbox"
	RoleDrafts  Role = "drafts"
	RoleSent    Role = "sent"
	RoleJunk    Role = "junk"
	RoleTrash   Role = "trash"
	RoleArchive Role = "archive"
)

// Folder is one mailbox of the account as the UI shows it.
type Folder struct {
	Name     string // full IMAP name, UTF-8 (used in URLs and commands)
	Leaf     string // last component of Name, for display
	Delim    string // hierarchy delimiter ("" when flat)
	Depth    int    // nesting level, 0 for top-level folders
	Role     Role
	NoSelect bool // a container that holds no messages itself
	Unread   uint32
	Total    uint32
}

// Address is a parsed e-mail address with its display name.
type Address struct {
	Name  string
	Email string
}

// String formats the address for display: the name when there is one,
// otherwise the e-mail address.
func (a Address) String() string {
	if a.Name != "" {
		return a.Name
	}
	return a.Email
}

// MessageSummary is one row of a message list.
type MessageSummary struct {
	UID            uint32
	From           []Address
	To             []Address
	Subject        string
	Date           time.Time // the Date header, or INTERNALDATE when missing
	Size           int64
	Seen           bool
	Flagged        bool
	Answered       bool
	Draft          bool
	HasAttachments bool
	// Folder is the message's folder; set in search results, where it
	// may differ from the page's (a search of all folders).
	Folder string
}

// Page is one page of a folder's message list (newest first by default)
// or of search results.
type Page struct {
	Folder   string
	Messages []MessageSummary
	Total    int // messages in the folder (or matching the search)
	Page     int // 1-based
	PerPage  int
	// Order is the order the page is in: the one asked for, or the date
	// when the server cannot sort by the key asked for (SortFallback).
	Order        Order
	SortFallback bool
	// Truncated is set when a search of all folders found more than it
	// shows (MaxAllFoldersResults, MaxSearchFolders).
	Truncated bool
}

// Pages returns the number of pages of the folder (at least 1).
func (p *Page) Pages() int {
	if p.PerPage <= 0 || p.Total == 0 {
		return 1
	}
	return (p.Total + p.PerPage - 1) / p.PerPage
}

// Message is a message opened for reading.
type Message struct {
	Folder     string
	UID        uint32
	Subject    string
	From       []Address
	Sender     []Address
	ReplyTo    []Address
	To         []Address
	Cc         []Address
	Bcc        []Address
	Date       time.Time
	MessageID  string
	InReplyTo  []string
	References []string // msg-ids without angle brackets, oldest first
	Size       int64
	Seen       bool
	Flagged    bool
	Answered   bool
	Draft      bool

	// Text is the text/plain body, decoded to UTF-8 ("" when absent).
	Text string
	// HTML is the text/html body, decoded to UTF-8 and NOT sanitized: the
	// caller must sanitize it before display ("" when absent).
	HTML string
	// Attachments lists the downloadable parts, inline images included.
	Attachments []Attachment
	// Calendar is the invitation of a text/calendar part, nil when none.
	Calendar *Event
	// Problems lists what could not be decoded (bad charset, bad encoding,
	// unreadable part); what could be read is still in Text/HTML.
	Problems []string
	// Part is the section of an attached message (message/rfc822) opened
	// by Session.AttachedMessage, "" for a message of the folder;
	// ParentSubject is then the subject of the message it is attached to.
	Part          string
	ParentSubject string
}

// Attachment describes one part of a message that can be downloaded.
type Attachment struct {
	Part        string // IMAP section path, e.g. "2" or "1.2"
	Filename    string // decoded, not yet cleaned for use in headers
	ContentType string // lower-case type/subtype
	ContentID   string // without angle brackets, "" when none
	Size        int64  // encoded size as reported by the server
	Inline      bool   // Content-Disposition inline (e.g. cid: images)
}

// PartInfo describes a part being streamed by Conn.Part.
type PartInfo struct {
	Filename    string
	ContentType string
	Size        int64 // encoded size, an upper bound of the decoded size
}
