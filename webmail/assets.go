package webmail

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"mime"
	"net/http"
	"path"

	"github.com/labstack/echo/v4"

	"github.com/pematangsiantar/webmail/static"
)

// asset is one embedded static file with its content hash.
type asset struct {
	body        []byte
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
		as.files[p] = asset{body: b, hash: hex.EncodeToString(sum[:6]), contentType: ct}
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

// staticServe serves /static/<hash>/<name>. The URL changes whenever the
// file does, so browsers may keep it for a year.
func (a *app) staticServe(c echo.Context) error {
	f, ok := a.assets.files[c.Param("name")]
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
	return c.Blob(http.StatusOK, f.contentType, f.body)
}
