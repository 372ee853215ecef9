package webmail

import (
	"log/slog"
	"time"

	"github.com/labstack/echo/v4"
)

// accessLog counts every request in the metrics and writes one line per
// request: method, path, status, duration and client address. Query strings are left out (they hold folder names
// and, later, search terms), and so is everything a form carries. An error
// is rendered here, by the one error handler, so its status is logged.
func (a *app) accessLog(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		start := time.Now()
		if err := next(c); err != nil {
			c.Error(err)
		}
		status := c.Response().Status
		a.metrics.request(c.Path(), c.Request().Method, status, time.Since(start))
		// Load balancers poll /healthz; static files are cached for a year.
		if p := c.Path(); p == "/healthz" || p == "/static/:hash/*" {
			return nil
		}
		level := slog.LevelInfo
		if status >= 500 {
			level = slog.LevelWarn
		}
		a.cfg.Logger.LogAttrs(c.Request().Context(), level, "request",
			slog.String("method", c.Request().Method), slog.String("path", c.Request().URL.Path),
			slog.Int("status", status), slog.Duration("took", time.Since(start).Round(time.Microsecond)),
			slog.String("ip", c.RealIP()))
		return nil
	}
}
