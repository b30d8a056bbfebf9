// The Go seed program as a reference server for bench/compare.sh: the same
// handler, the same ticker-per-stream design and the same shutdown, with flags
// for the address, the interval and logging. Standard library only.
//
//	go build -o go-sse . && ./go-sse -addr 127.0.0.1:4321 -interval 1s -quiet
package main

import (
	"context"
	"flag"
	"io"
	"log"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"
)

func main() {
	addr := flag.String("addr", "0.0.0.0:4321", "address to listen on")
	interval := flag.Duration("interval", 2*time.Second, "time between events")
	quiet := flag.Bool("quiet", false, "no per-connection and per-event log lines")
	flag.Parse()
	if *quiet {
		// The seed logs every event; at 100k events/s that would be the
		// benchmark. Startup and errors still go to stderr.
		log.SetOutput(io.Discard)
	}

	ctxShutdown, cancelShutdown := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer cancelShutdown()

	http.HandleFunc("/sse", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		w.Header().Set("Cache-Control", "no-cache")
		w.Header().Set("Connection", "keep-alive")
		log.Println("INFO(SSE): CLIENT CONNECTED")

		ticker := time.NewTicker(*interval)
		defer ticker.Stop()

		for {
			select {
			case <-ticker.C:
				log.Println("INFO(SSE): SEND MESSAGE")
				if f, ok := w.(http.Flusher); !ok {
					log.Println("ERROR(SSE): UNABLE TO FLUSH MESSAGE")
				} else {
					w.Write([]byte("data: Hello World\n\n"))
					f.Flush()
				}
			case <-r.Context().Done():
				log.Println("INFO(SSE): CLIENT CLOSE CONNECTION")
				return
			case <-ctxShutdown.Done():
				log.Println("INFO(SSE): DISCONNECT TO THE CLIENT")
				return
			}
		}
	})

	server := &http.Server{
		Addr: *addr,
	}

	go func() {
		log.Printf("INFO(SERVER START): %v\n", server.Addr)
		if err := server.ListenAndServe(); err != nil && err != http.ErrServerClosed {
			log.SetOutput(os.Stderr)
			log.Panicf("ERROR(SERVER START): %v\n", err)
		}
	}()

	<-ctxShutdown.Done()
	log.Println("INFO: SHUTDOWN")

	ctxServerShutdown, cancelServerShutdown := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancelServerShutdown()

	if err := server.Shutdown(ctxServerShutdown); err != nil {
		log.SetOutput(os.Stderr)
		log.Panicf("ERROR(SERVER SHUTDOWN): %v\n", err)
	}
}
