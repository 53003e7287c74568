package redisbudget_test

import (
	"context"
	"testing"

	"github.com/ultracart-community/ultracart-go/conversation"
	"github.com/ultracart-community/ultracart-go/conversation/redisbudget"
)

// unbound is a budget that never binds: what a permit costs when the
// budget has one to give, the common case (as conversation's
// BenchmarkBudgetAcquire measures the LocalLimiter's).
var unbound = conversation.BudgetLimits{PerHour: 1 << 40, PerDay: 1 << 40, Burst: 1 << 30, DailyBurst: 1 << 30}

// BenchmarkBudgetRedis: taking and releasing a permit of a Redis budget
// on a loopback redis-server, and the Redis round trips it costs (each
// command sent counts one). serial is one caller; parallel is GOMAXPROCS
// callers (MaxInFlight 8: they contend only in Redis).
func BenchmarkBudgetRedis(b *testing.B) {
	ctx := context.Background()
	for _, tc := range []struct {
		name     string
		inFlight int
		parallel bool
	}{
		{"serial", 1, false},
		{"parallel", 8, true},
	} {
		b.Run(tc.name, func(b *testing.B) {
			if redisAddr == "" {
				b.Skipf("no redis-server: %s", redisMissing)
			}
			rdb, h := countedRedisB(b)
			limits := unbound
			limits.MaxInFlight = tc.inFlight
			l, err := redisbudget.New(rdb, redisbudget.Options{Name: "bench-" + tc.name + "-" + b.Name(), Limits: limits})
			if err != nil {
				b.Fatal(err)
			}
			b.Cleanup(func() { _ = l.Reset(ctx) })
			permit := func() error {
				rel, err := l.Acquire(ctx)
				if err != nil {
					return err
				}
				rel(ok200)
				return nil
			}
			if err := permit(); err != nil { // load the scripts
				b.Fatal(err)
			}
			before := h.total.Load()
			b.ReportAllocs()
			if tc.parallel {
				b.RunParallel(func(pb *testing.PB) {
					for pb.Next() {
						if err := permit(); err != nil {
							b.Error(err)
							return
						}
					}
				})
			} else {
				for b.Loop() {
					if err := permit(); err != nil {
						b.Fatal(err)
					}
				}
			}
			b.ReportMetric(float64(h.total.Load()-before)/float64(b.N), "roundtrips/op")
		})
	}
}
