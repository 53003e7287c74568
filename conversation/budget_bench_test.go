package conversation_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/ultracart-community/ultracart-go/conversation"
)

// unbound is a budget that never binds: what a permit costs when the budget
// has permits to give, the common case.
var unbound = conversation.BudgetLimits{PerHour: 1 << 50, PerDay: 1 << 50, Burst: 1 << 30, DailyBurst: 1 << 30}

func newUnboundLimiter(b *testing.B, inFlight int) *conversation.LocalLimiter {
	b.Helper()
	l := unbound
	l.MaxInFlight = inFlight
	ll, err := conversation.NewLocalLimiter(l)
	if err != nil {
		b.Fatal(err)
	}
	return ll
}

// BenchmarkBudgetAcquire: taking and releasing a permit of the in-process
// budget when it is not binding. serial is one caller; parallel is
// GOMAXPROCS callers on one budget (MaxInFlight high enough that they
// contend only for its lock).
func BenchmarkBudgetAcquire(b *testing.B) {
	ctx := context.Background()
	ok := conversation.Feedback{StatusCode: http.StatusOK}
	b.Run("serial", func(b *testing.B) {
		l := newUnboundLimiter(b, 1)
		b.ReportAllocs()
		for b.Loop() {
			release, err := l.Acquire(ctx)
			if err != nil {
				b.Fatal(err)
			}
			release(ok)
		}
	})
	b.Run("parallel", func(b *testing.B) {
		l := newUnboundLimiter(b, 1<<20)
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				release, err := l.Acquire(ctx)
				if err != nil {
					b.Error(err)
					return
				}
				release(ok)
			}
		})
	})
}

// BenchmarkBudgetCall: the call a permit guards, with the budget off and on
// (not binding), over the in-memory transport: the difference is the
// budget's cost per call, beside the cheapest call there is (no network).
func BenchmarkBudgetCall(b *testing.B) {
	body := []byte(`{"success":true,"conversation_departments":[{"conversation_department_oid":1,"department_name":"Support"}]}`)
	for _, tc := range []struct {
		name string
		opt  func(b *testing.B) conversation.Option
	}{
		{"budget_off", func(*testing.B) conversation.Option { return conversation.WithoutBudget() }},
		{"budget_on", func(b *testing.B) conversation.Option { return conversation.WithLimiter(newUnboundLimiter(b, 1)) }},
	} {
		b.Run(tc.name, func(b *testing.B) {
			c, err := conversation.NewClient(conversation.WithSimpleKey(benchKey), conversation.WithBaseURL(benchMemBase),
				conversation.WithHTTPClient(&http.Client{Transport: newBenchMemTransport(body)}), tc.opt(b))
			if err != nil {
				b.Fatal(err)
			}
			ctx := context.Background()
			b.ReportAllocs()
			for b.Loop() {
				if _, err := c.GetConversationDepartments(ctx); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
