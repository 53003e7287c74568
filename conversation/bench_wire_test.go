package conversation_test

// Benchmarks over the wire: each operation called by the floor, the generated
// client and the wrapper, one after the other in the same run, against a
// loopback server serving fixed payloads. Sub-benchmark names pair up
// (BenchmarkGetConversation/floor, /generated, /wrapper) for internal/benchratio
// and benchstat. Run them with `make bench`; see docs/BENCHMARKS.md.

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
)

// benchRunWire runs each call sequentially against its own server and client. The
// first call (outside the timing) dials and checks that the call works.
// "conns" is the number of TCP connections the server accepted: 1 when the
// client keeps its connection alive.
func benchRunWire(b *testing.B, calls []benchCall) {
	for _, c := range calls {
		b.Run(c.name, func(b *testing.B) {
			s := newBenchServer(b)
			call := c.bind(b, s.base, nil)
			ctx := context.Background()
			if err := call(ctx); err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				if err := call(ctx); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(s.conns.Load()), "conns")
		})
	}
}

// BenchmarkGetConversation: getConversation, a small response (~3 KB, three
// messages).
func BenchmarkGetConversation(b *testing.B) { benchRunWire(b, benchGetConversationCalls()) }

// BenchmarkWebchatContext: getConversationContext, a large response (~110 KB:
// cart, three orders, two auto orders).
func BenchmarkWebchatContext(b *testing.B) { benchRunWire(b, benchWebchatContextCalls()) }

// BenchmarkListConversations: getConversations, one page of 200 summaries
// (~300 KB).
func BenchmarkListConversations(b *testing.B) { benchRunWire(b, benchListConversationsCalls()) }

// BenchmarkInsertEngagement and the other inserts: request encoding end to
// end. Every field of the body is set; the server discards it and answers
// with the new oid.
func BenchmarkInsertEngagement(b *testing.B) {
	benchRunWire(b, benchInsertEngagementCalls(loadBenchPayloads(b)))
}

func BenchmarkInsertDepartment(b *testing.B) {
	benchRunWire(b, benchInsertDepartmentCalls(loadBenchPayloads(b)))
}

func BenchmarkInsertCannedMessage(b *testing.B) {
	benchRunWire(b, benchInsertCannedMessageCalls(loadBenchPayloads(b)))
}

// BenchmarkAllConversations: the wrapper's pagination iterator over 10,000
// summaries (50 pages of 200) against hand-written loops. One op is the
// whole walk.
func BenchmarkAllConversations(b *testing.B) { benchRunWire(b, benchAllConversationsCalls()) }

// benchWorkers is the number of goroutines sharing one client in
// BenchmarkConcurrent64.
const benchWorkers = 64

// BenchmarkConcurrent64: throughput of getConversation with 64 goroutines
// sharing one client (and so one connection pool). It reports req/s, "conns",
// the TCP connections the server accepted during the run (64 when the pool
// keeps one connection per worker), and "closed", those closed during the run
// (0 when the pool never churns).
func BenchmarkConcurrent64(b *testing.B) {
	for _, c := range benchGetConversationCalls() {
		if c.name == "generated" {
			continue // the same transport as the floor: nothing more to learn
		}
		b.Run(c.name, func(b *testing.B) {
			s := newBenchServer(b)
			call := c.bind(b, s.base, nil)
			ctx := context.Background()
			var (
				next     atomic.Int64
				wg       sync.WaitGroup
				errOnce  sync.Once
				firstErr error
			)
			b.ReportAllocs()
			b.ResetTimer()
			for range benchWorkers {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for next.Add(1) <= int64(b.N) {
						if err := call(ctx); err != nil {
							errOnce.Do(func() { firstErr = err })
							return
						}
					}
				}()
			}
			wg.Wait()
			b.StopTimer()
			if firstErr != nil {
				b.Fatal(firstErr)
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
			b.ReportMetric(float64(s.conns.Load()), "conns")
			b.ReportMetric(float64(s.closed.Load()), "closed")
		})
	}
}
