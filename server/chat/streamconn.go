package chat

import (
	"context"
	"crypto/tls"
	"net"
	"net/http"
)

// connKey is the context key of a request's connection (ConnContext).
type connKey struct{}

// ConnContext, as an http.Server's ConnContext, gives the event streams
// their connection, so that each can bound what the kernel holds for it
// (Config.StreamSendBuffer). Without it a stream whose client stops
// reading still ends once a write has waited Config.StreamWriteTimeout,
// but only after the kernel's send buffer is full, which autotuning grows
// to megabytes.
func ConnContext(ctx context.Context, c net.Conn) context.Context {
	return context.WithValue(ctx, connKey{}, c)
}

// boundSendBuffer sets the send buffer of r's connection to n bytes when
// ConnContext put a TCP or Unix connection in r's context and r is
// HTTP/1: what a client that stops reading leaves unread then fills the
// buffer after at most n bytes (plus what a proxy holds), the next write
// waits, and its deadline ends the stream. It reports whether it did; the
// connection then closes when the stream ends, so that no other response
// is sent through the small buffer. HTTP/2 connections carry other
// requests and are left alone: their streams' flow-control windows bound
// what an unread stream takes.
func boundSendBuffer(r *http.Request, n int) bool {
	if r.ProtoMajor != 1 || n <= 0 {
		return false
	}
	c, _ := r.Context().Value(connKey{}).(net.Conn)
	if tc, ok := c.(*tls.Conn); ok {
		c = tc.NetConn()
	}
	sc, ok := c.(interface{ SetWriteBuffer(int) error })
	return ok && sc.SetWriteBuffer(n) == nil
}
