package webmail

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/pematangsiantar/webmail/static"
)

// asset is one embedded static file with its content hash.
type asset struct {
	body        []byte
	gzip        []byte // body gzipped, when that is worth it (text files)
	hash        string
	contentType string
}

// assets are the static files, read once at start-up.
type assets struct {
	files map[string]asset
}

func loadAssets() (*assets, error) {
	as := &assets{files: map[string]asset{}}
	err := fs.WalkDir(static.FS, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(static.FS, p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		ct := mime.TypeByExtension(path.Ext(p))
		switch path.Ext(p) {
		case ".css":
			ct = "text/css; charset=utf-8"
		case ".js":
			ct = "text/javascript; charset=utf-8"
		case ".svg":
			ct = "image/svg+xml"
		}
		if ct == "" {
			ct = "application/octet-stream"
		}
		a := asset{body: b, hash: hex.EncodeToString(sum[:6]), contentType: ct}
		if strings.HasPrefix(ct, "text/") || ct == "image/svg+xml" {
			// Compressed once here: the editor's scripts shrink to a
			// third, which matters on a phone over mobile data.
			var buf bytes.Buffer
			zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
			zw.Write(b)
			zw.Close()
			if buf.Len() < len(b)*9/10 {
				a.gzip = buf.Bytes()
			}
		}
		as.files[p] = a
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("static files: %w", err)
	}
	return as, nil
}

// URL is the content-hash URL of a static file, for the templates. An
// unknown name is a programming error, caught when templates are executed
// in the tests.
func (as *assets) URL(name string) (string, error) {
	a, ok := as.files[name]
	if !ok {
		return "", fmt.Errorf("no static file %q", name)
	}
	return "/static/" + a.hash + "/" + name, nil
}

// staticServe serves /static/<hash>/<name>, where name may have
// directories (vendor/squire/squire.js). The URL changes whenever the file
// does, so browsers may keep it for a year.
func (a *app) staticServe(c echo.Context) error {
	f, ok := a.assets.files[c.Param("*")]
	if !ok {
		return echo.ErrNotFound
	}
	h := c.Response().Header()
	if c.Param("hash") == f.hash {
		h.Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		// A page from another version of the app (during a rolling
		// update): serve what we have, but do not let it be cached.
		h.Set("Cache-Control", "no-cache")
	}
	h.Add("Vary", "Accept-Encoding")
	if f.gzip != nil && acceptsGzip(c.Request().Header.Get("Accept-Encoding")) {
		h.Set("Content-Encoding", "gzip")
		return c.Blob(http.StatusOK, f.contentType, f.gzip)
	}
	return c.Blob(http.StatusOK, f.contentType, f.body)
}

// acceptsGzip reports whether an Accept-Encoding header allows gzip
// (and does not refuse it with q=0).
func acceptsGzip(header string) bool {
	for _, part := range strings.Split(header, ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.EqualFold(strings.TrimSpace(name), "gzip") {
			q := strings.ReplaceAll(strings.TrimSpace(params), " ", "")
			return q != "q=0" && q != "q=0.0" && q != "q=0.00" && q != "q=0.000"
		}
	}
	return false
}
