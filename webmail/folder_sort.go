package webmail

import (
	"net/url"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/pematangsiantar/webmail/imapclient"
)

// listExtras are the parts of a list page beyond the rows: the column
// headers as sort links, a note when the server could not sort as asked,
// and, on search results, the search form.
type listExtras struct {
	Sort     sortHeaders
	SortNote string
	Search   *searchForm
}

// sortHeaders are the sortable column headers of a list.
type sortHeaders struct {
	Who, Subject, Date, Size sortLink
}

// sortLink is one column header: a link that sorts by the column (or
// reverses the order when it already does).
type sortLink struct {
	URL string
	// Active is set on the column the list is sorted by; Asc gives the
	// direction, for the arrow and aria-sort.
	Active, Asc bool
}

// AriaSort is the column's aria-sort value ("" when not sorted by it).
func (l sortLink) AriaSort() string {
	switch {
	case !l.Active:
		return ""
	case l.Asc:
		return "ascending"
	}
	return "descending"
}

// orderParam is the list order of the request (?sort=date|from|subject|size
// &order=desc|asc); the default is by date, newest first.
func orderParam(c echo.Context) imapclient.Order {
	return imapclient.ParseOrder(c.QueryParam("sort"), c.QueryParam("order"))
}

// setOrder puts the order into q, leaving the default out.
func setOrder(q url.Values, o imapclient.Order) {
	q.Del("sort")
	q.Del("order")
	if o == imapclient.DefaultOrder {
		return
	}
	q.Set("sort", string(o.Key))
	if o != imapclient.ParseOrder(string(o.Key), "") {
		dir := "desc"
		if o.Ascending {
			dir = "asc"
		}
		q.Set("order", dir)
	}
}

// pagedURL is path?q with the order and page (page 1 left out).
func pagedURL(path string, q url.Values, o imapclient.Order, page int) string {
	q2 := url.Values{}
	for k, v := range q {
		q2[k] = v
	}
	setOrder(q2, o)
	q2.Del("page")
	if page > 1 {
		q2.Set("page", strconv.Itoa(page))
	}
	return path + "?" + q2.Encode()
}

// sortedFolderURL is a folder's list page in an order.
func sortedFolderURL(folder string, o imapclient.Order, page int) string {
	return pagedURL("/mail", url.Values{"folder": {folder}}, o, page)
}

// sortLinks fills the column headers and the fallback note of a list
// page; q is the list's own parameters (folder, search terms).
func (a *app) sortLinks(p *messageListPage, path string, q url.Values, list *imapclient.Page) {
	cur := list.Order
	if cur.Key == "" {
		cur = imapclient.DefaultOrder
	}
	link := func(key imapclient.SortKey) sortLink {
		o := imapclient.ParseOrder(string(key), "")
		l := sortLink{Active: cur.Key == key, Asc: cur.Ascending}
		if l.Active {
			o.Ascending = !cur.Ascending
		}
		l.URL = pagedURL(path, q, o, 1)
		return l
	}
	p.Sort = sortHeaders{Who: link(imapclient.SortFrom), Subject: link(imapclient.SortSubject),
		Date: link(imapclient.SortDate), Size: link(imapclient.SortSize)}
	if list.SortFallback {
		p.SortNote = p.T("list.sort_unsupported")
	}
}
