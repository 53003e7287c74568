package conversation_test

// Benchmarks without sockets: the same clients over an http.RoundTripper that
// answers from memory, so that only client-side CPU and allocations are
// measured, free of loopback noise.
//
// BenchmarkDecode/<payload>/unmarshal is json.Unmarshal of the bytes alone;
// floor, generated and wrapper are the whole client path (build the request,
// round trip in memory, read and decode the body into the same type).
// BenchmarkEncode is the same for request bodies, with marshal as
// json.Marshal alone.

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"testing"

	"github.com/ultracart-community/ultracart-go/conversation"
)

// benchMemBase is a base URL the in-memory transport never dials.
const benchMemBase = "http://127.0.0.1:9" + benchPrefix

// benchMemTransport answers every request with 200 and a fixed body, after
// reading the request body like a server would.
type benchMemTransport struct {
	body   []byte
	header http.Header // shared, read-only
}

func newBenchMemTransport(body []byte) *benchMemTransport {
	return &benchMemTransport{body: body, header: http.Header{
		"Content-Type":   {"application/json"},
		"Content-Length": {strconv.Itoa(len(body))},
	}}
}

func (t *benchMemTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Body != nil {
		_, _ = io.Copy(io.Discard, req.Body)
		_ = req.Body.Close()
	}
	return &http.Response{
		Status: "200 OK", StatusCode: http.StatusOK, Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header: t.header, Body: io.NopCloser(bytes.NewReader(t.body)), ContentLength: int64(len(t.body)),
		Request: req,
	}, nil
}

// benchRunMemory runs the reference (encoding/json alone) and then each call over
// an in-memory transport serving body.
func benchRunMemory(b *testing.B, refName string, ref func() error, body []byte, calls []benchCall) {
	b.Run(refName, func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if err := ref(); err != nil {
				b.Fatal(err)
			}
		}
	})
	for _, c := range calls {
		b.Run(c.name, func(b *testing.B) {
			call := c.bind(b, benchMemBase, newBenchMemTransport(body))
			ctx := context.Background()
			b.ReportAllocs()
			for b.Loop() {
				if err := call(ctx); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func benchUnmarshalInto[T any](body []byte) func() error {
	return func() error { return json.Unmarshal(body, new(T)) }
}

// BenchmarkDecode: decoding the three response sizes.
func BenchmarkDecode(b *testing.B) {
	p := loadBenchPayloads(b)
	page := benchPagesData[0]()
	b.Run("conversation", func(b *testing.B) {
		benchRunMemory(b, "unmarshal", benchUnmarshalInto[conversation.ConversationResponse](p.conversation), p.conversation, benchGetConversationCalls())
	})
	b.Run("context", func(b *testing.B) {
		benchRunMemory(b, "unmarshal", benchUnmarshalInto[conversation.ConversationWebchatContext](p.context), p.context, benchWebchatContextCalls())
	})
	b.Run("page", func(b *testing.B) {
		benchRunMemory(b, "unmarshal", benchUnmarshalInto[conversation.ConversationsResponse](page), page, benchListConversationsCalls())
	})
}

func benchMarshalOf(v any) func() error {
	return func() error { _, err := json.Marshal(v); return err }
}

// BenchmarkEncode: encoding the largest request bodies; the in-memory server
// discards them and answers with a small reply.
func BenchmarkEncode(b *testing.B) {
	p := loadBenchPayloads(b)
	b.Run("engagement", func(b *testing.B) {
		benchRunMemory(b, "marshal", benchMarshalOf(p.engagement), p.engagementReply, benchInsertEngagementCalls(p))
	})
	b.Run("department", func(b *testing.B) {
		benchRunMemory(b, "marshal", benchMarshalOf(p.department), p.departmentReply, benchInsertDepartmentCalls(p))
	})
	b.Run("canned_message", func(b *testing.B) {
		benchRunMemory(b, "marshal", benchMarshalOf(p.cannedMessage), p.cannedReply, benchInsertCannedMessageCalls(p))
	})
}
