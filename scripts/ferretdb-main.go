// A minimal FerretDB server for mongo-steward's tests: the embeddable package with the
// SQLite backend on a loopback address, optionally with a TLS listener (and required client
// certificates when --listen-tls-ca-file is given). Built by build-test-servers.sh, never committed.
package main

import (
	"context"
	"flag"
	"log"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/FerretDB/FerretDB/ferretdb"
)

func main() {
	addr := flag.String("listen-addr", "127.0.0.1:27017", "TCP address to listen on; empty for none")
	tlsAddr := flag.String("listen-tls", "", "TLS address to listen on; empty for none")
	tlsCert := flag.String("listen-tls-cert-file", "", "server certificate (PEM) for --listen-tls")
	tlsKey := flag.String("listen-tls-key-file", "", "server private key (PEM) for --listen-tls")
	tlsCA := flag.String("listen-tls-ca-file", "", "CA (PEM) that client certificates must chain to; "+
		"when set, a client without one is refused")
	dir := flag.String("sqlite-dir", "", "directory for the SQLite databases (required)")
	flag.Parse()
	if *dir == "" {
		log.Fatal("--sqlite-dir is required")
	}
	if err := os.MkdirAll(*dir, 0o755); err != nil {
		log.Fatal(err)
	}
	f, err := ferretdb.New(&ferretdb.Config{
		Listener: ferretdb.ListenerConfig{TCP: *addr, TLS: *tlsAddr, TLSCertFile: *tlsCert, TLSKeyFile: *tlsKey,
			TLSCAFile: *tlsCA},
		Handler:   "sqlite",
		SQLiteURL: "file:" + *dir + "/",
		Logger:    slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})),
	})
	if err != nil {
		log.Fatal(err)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := f.Run(ctx); err != nil && ctx.Err() == nil {
		log.Fatal(err)
	}
}
