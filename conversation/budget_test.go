package conversation

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/goleak"
	"golang.org/x/oauth2"
)

// budgetLeakCheck must be the first call of a test: no goroutine the test
// started may outlive it (its servers closed, its clients' idle connections
// closed by budgetClient).
func budgetLeakCheck(t *testing.T) {
	t.Helper()
	ignore := goleak.IgnoreCurrent()
	t.Cleanup(func() {
		if err := goleak.Find(ignore); err != nil {
			t.Errorf("goroutines left after the test: %v", err)
		}
	})
}

// budgetKeys numbers the keys of testBudgetKey.
var budgetKeys atomic.Int64

// testBudgetKey is a simple key of the test's own: budgets are shared per key
// and host, and a later test's server may get a port an earlier test used.
// It contains testKey, so noSecret still finds it.
func testBudgetKey() string { return testKey + "-" + fmt.Sprint(budgetKeys.Add(1)) }

// budgetClient is a client of srv with default options (the budget on,
// default figures unless opts say otherwise) and the given key; its idle
// connections are closed when the test ends.
func budgetClient(t *testing.T, srv *httptest.Server, key string, opts ...Option) *Client {
	t.Helper()
	c, err := NewClient(append([]Option{WithSimpleKey(key), WithBaseURL(srv.URL + basePath)}, opts...)...)
	if err != nil {
		t.Fatalf("NewClient: %v", err)
	}
	t.Cleanup(func() {
		if tr, ok := c.hc.Transport.(*http.Transport); ok {
			tr.CloseIdleConnections()
		}
	})
	return c
}

// concurrencyServer answers 204 after a short pause and records the most
// requests it ever had under way at once, and the arrival time of each.
type concurrencyServer struct {
	srv      *httptest.Server
	cur, top atomic.Int32
	mu       sync.Mutex
	arrivals []time.Time
	answer   func(w http.ResponseWriter, n int) // nil: 204
}

func newConcurrencyServer(t *testing.T, answer func(w http.ResponseWriter, n int)) *concurrencyServer {
	t.Helper()
	s := &concurrencyServer{answer: answer}
	s.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		now := s.cur.Add(1)
		defer s.cur.Add(-1)
		for {
			top := s.top.Load()
			if now <= top || s.top.CompareAndSwap(top, now) {
				break
			}
		}
		s.mu.Lock()
		s.arrivals = append(s.arrivals, time.Now())
		n := len(s.arrivals)
		s.mu.Unlock()
		time.Sleep(time.Millisecond) // widen the window for an overlap
		if s.answer != nil {
			s.answer(w, n)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(s.srv.Close)
	return s
}

func (s *concurrencyServer) times() []time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]time.Time(nil), s.arrivals...)
}

// TestBudgetDefaults: a client has the budget on with UltraCart's figures
// unless told otherwise; WithoutBudget turns it off.
func TestBudgetDefaults(t *testing.T) {
	c, err := NewClient(WithSimpleKey(testBudgetKey()), WithBaseURL("https://budget-defaults.example/rest/v2"))
	if err != nil {
		t.Fatal(err)
	}
	s := c.Budget()
	want := DefaultBudgetLimits
	want.Pause = 3600 * time.Millisecond
	if !s.Enabled || s.Limits != want {
		t.Errorf("budget %+v, want enabled with %+v", s, want)
	}
	if s.PermitsLeft != 100 || s.HourLeft != 100 || s.DayLeft != 1000 || s.InFlight != 0 || s.Waiting != 0 ||
		s.Wait != 0 || !s.PausedUntil.IsZero() || s.Pauses != 0 || s.Shared != 1 {
		t.Errorf("fresh budget %+v", s)
	}
	if got := DefaultBudgetLimits.SustainedInterval(); got != 8640*time.Millisecond {
		t.Errorf("sustained interval %v, want 8.64s (10,000 a day)", got)
	}
	off, err := NewClient(WithSimpleKey(testKey), WithBaseURL("https://budget-defaults.example/rest/v2"), WithoutBudget())
	if err != nil {
		t.Fatal(err)
	}
	// Without a budget nothing limits the client: the state must not read
	// as exhausted (issue 19).
	unlimited := BudgetState{HourLeft: UnlimitedPermits, DayLeft: UnlimitedPermits, PermitsLeft: UnlimitedPermits}
	if s := off.Budget(); s != unlimited {
		t.Errorf("WithoutBudget: %+v, want not enabled with unlimited permits", s)
	}
	runtime.KeepAlive(c)
}

// TestBudgetLimitsValidation: WithBudget fills zero fields with the
// defaults and refuses negative ones, naming them.
func TestBudgetLimitsValidation(t *testing.T) {
	for _, tc := range []struct {
		in   BudgetLimits
		want string
	}{
		{BudgetLimits{PerHour: -1}, "PerHour"},
		{BudgetLimits{PerDay: -1}, "PerDay"},
		{BudgetLimits{Burst: -1}, "Burst"},
		{BudgetLimits{DailyBurst: -5}, "DailyBurst"},
		{BudgetLimits{MaxInFlight: -1}, "MaxInFlight"},
		{BudgetLimits{Pause: -time.Second}, "Pause"},
		{BudgetLimits{MaxWait: -time.Second}, "MaxWait"},
	} {
		_, err := NewClient(WithSimpleKey(testKey), WithBudget(tc.in))
		if err == nil || !strings.Contains(err.Error(), "WithBudget") || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("WithBudget(%+v): %v, want an error naming %s", tc.in, err, tc.want)
		}
		// One rule with RetryPolicy's figures: an *ArgumentError naming the
		// field and the default zero takes.
		var ae *ArgumentError
		if !errors.As(err, &ae) || ae.Operation != "WithBudget" || ae.Argument != "BudgetLimits."+tc.want ||
			!strings.Contains(ae.Reason, "must not be negative (0 takes the default, ") {
			t.Errorf("WithBudget(%+v): %#v, want an *ArgumentError for BudgetLimits.%s", tc.in, err, tc.want)
		}
		if _, err := NewLocalLimiter(tc.in); !errors.As(err, &ae) || ae.Operation != "NewLocalLimiter" {
			t.Errorf("NewLocalLimiter(%+v): %v, want an *ArgumentError", tc.in, err)
		}
	}
	if _, err := NewClient(WithSimpleKey(testKey), WithLimiter(nil)); err == nil || !strings.Contains(err.Error(), "WithLimiter") {
		t.Errorf("WithLimiter(nil): %v", err)
	}
	l, err := BudgetLimits{PerHour: 2000}.Resolve()
	if err != nil || l.PerDay != DefaultPerDay || l.Burst != 100 || l.Pause != 1800*time.Millisecond {
		t.Errorf("PerHour 2000: %+v, %v: want the other defaults and a 1.8s pause", l, err)
	}
	if l, _ := (BudgetLimits{Pause: 1000 * time.Hour}).Resolve(); l.Pause != MaxPause || MaxPause != time.Hour {
		t.Errorf("pause %v, want capped at MaxPause, an hour", l.Pause)
	}
	if d := (BudgetLimits{PerHour: 36000, PerDay: 864000}).SustainedInterval(); d != 100*time.Millisecond {
		t.Errorf("sustained interval %v", d)
	}
}

// tsFunc is a TokenSource of a type Go cannot compare.
type tsFunc func() (*oauth2.Token, error)

func (f tsFunc) Token() (*oauth2.Token, error) { return f() }

type tsPtr struct{ tok string }

func (s *tsPtr) Token() (*oauth2.Token, error) { return &oauth2.Token{AccessToken: s.tok}, nil }

// TestBudgetSharedPerCredentialAndHost: clients share a budget exactly when
// they call the same host with the same credential.
func TestBudgetSharedPerCredentialAndHost(t *testing.T) {
	host := "https://budget-share.example/rest/v2"
	mk := func(opts ...Option) *Client {
		t.Helper()
		c, err := NewClient(append([]Option{WithBaseURL(host)}, opts...)...)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	ts1, ts2 := &tsPtr{testToken}, &tsPtr{testToken}
	fn := tsFunc(func() (*oauth2.Token, error) { return &oauth2.Token{AccessToken: testToken}, nil })
	own := mustLocal(t, BudgetLimits{})
	for _, tc := range []struct {
		name   string
		a, b   []Option
		shared bool
	}{
		{"same key", []Option{WithSimpleKey(testKey)}, []Option{WithSimpleKey(testKey)}, true},
		{"same key, host in capitals with its default port", []Option{WithSimpleKey(testKey)},
			[]Option{WithSimpleKey(testKey), WithBaseURL("https://BUDGET-share.example:443/other/path")}, true},
		{"same key, other options", []Option{WithSimpleKey(testKey)}, []Option{WithSimpleKey(testKey), WithoutRetries(), WithUserAgent("x")}, true},
		{"other key", []Option{WithSimpleKey(testKey)}, []Option{WithSimpleKey(testKey + "2")}, false},
		{"same key, other host", []Option{WithSimpleKey(testKey)},
			[]Option{WithSimpleKey(testKey), WithBaseURL("https://budget-share-2.example/rest/v2")}, false},
		{"same bearer token", []Option{WithBearerToken(testToken)}, []Option{WithBearerToken(testToken)}, true},
		{"bearer token equal to a key", []Option{WithBearerToken(testKey)}, []Option{WithSimpleKey(testKey)}, false},
		{"same token source", []Option{WithTokenSource(ts1)}, []Option{WithTokenSource(ts1)}, true},
		{"two token sources", []Option{WithTokenSource(ts1)}, []Option{WithTokenSource(ts2)}, false},
		{"token source Go cannot compare", []Option{WithTokenSource(fn)}, []Option{WithTokenSource(fn)}, false},
		{"one limiter given to both", []Option{WithSimpleKey(testKey), WithLimiter(own)},
			[]Option{WithBearerToken(testToken), WithLimiter(own)}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a, b := mk(tc.a...), mk(tc.b...)
			if got := a.limiter == b.limiter; got != tc.shared {
				t.Errorf("shared = %t, want %t", got, tc.shared)
			}
			if tc.shared && a.budget != nil && a.Budget().Shared < 2 {
				t.Errorf("Shared = %d, want at least 2", a.Budget().Shared)
			}
			runtime.KeepAlive(a)
			runtime.KeepAlive(b)
		})
	}
	// The registry holds no secret: its keys print without the key or token.
	budgets.mu.Lock()
	dump := fmt.Sprintf("%#v", budgets.m)
	budgets.mu.Unlock()
	for _, s := range []string{testKey, testToken} {
		if strings.Contains(dump, s) {
			t.Errorf("the budget registry holds a credential: %s", s)
		}
	}
}

func mustLocal(t *testing.T, l BudgetLimits) *LocalLimiter {
	t.Helper()
	ll, err := NewLocalLimiter(l)
	if err != nil {
		t.Fatal(err)
	}
	return ll
}

// waitUnused collects garbage until no client uses e.
func waitUnused(t *testing.T, e *budgetEntry) {
	t.Helper()
	for i := 0; e.refs.Load() > 0; i++ {
		if i == 200 {
			t.Fatalf("budget still used by %d clients after 200 collections", e.refs.Load())
		}
		runtime.GC()
		time.Sleep(5 * time.Millisecond)
	}
}

// TestBudgetFiguresMustAgree: clients sharing a budget must give the same
// figures, while another client uses it and after: the figures are the
// first client's for the life of the process (issue 18: whether the first
// client is still in use depends on the garbage collector, and NewClient
// must not).
func TestBudgetFiguresMustAgree(t *testing.T) {
	base, key := WithBaseURL("https://budget-agree.example/rest/v2"), testBudgetKey()
	c1, err := NewClient(WithSimpleKey(key), base, WithBudget(BudgetLimits{PerHour: 2000}))
	if err != nil {
		t.Fatal(err)
	}
	e := c1.budget
	if _, err := NewClient(WithSimpleKey(key), base, WithBudget(BudgetLimits{PerHour: 2000})); err != nil {
		t.Errorf("same figures: %v", err)
	}
	for _, opt := range []Option{WithBudget(BudgetLimits{PerHour: 3000}), nil} {
		_, err := NewClient(WithSimpleKey(key), base, opt)
		if err == nil || !strings.Contains(err.Error(), "must agree") {
			t.Errorf("other figures: %v, want an error", err)
		}
		noSecret(t, err)
	}
	runtime.KeepAlive(c1)
	c1 = nil
	waitUnused(t, e)
	if _, err := NewClient(WithSimpleKey(key), base, WithBudget(BudgetLimits{PerHour: 3000})); err == nil || !strings.Contains(err.Error(), "must agree") {
		t.Errorf("other figures once unused: %v, want the same error", err)
	}
	c3, err := NewClient(WithSimpleKey(key), base, WithBudget(BudgetLimits{PerHour: 2000}))
	if err != nil {
		t.Fatalf("the same figures once unused: %v", err)
	}
	if c3.Budget().Limits.PerHour != 2000 {
		t.Errorf("figures %+v", c3.Budget().Limits)
	}
}

// TestBudgetRegistrySweep: budgets no client uses are dropped once they are
// as good as new; one still recovering from use is kept, so that a client
// made later inherits what was spent.
func TestBudgetRegistrySweep(t *testing.T) {
	run := fmt.Sprint(time.Now().UnixNano()) // hosts of this run alone (-count)
	var used, spent *budgetEntry
	func() {
		for i := range 3 {
			c, err := NewClient(WithSimpleKey(testKey), WithBaseURL(fmt.Sprintf("https://budget-sweep-%s-%d.example", run, i)))
			if err != nil {
				t.Fatal(err)
			}
			switch i {
			case 1:
				rel, err := c.limiter.Acquire(ctxT(t))
				if err != nil {
					t.Fatal(err)
				}
				rel(Feedback{StatusCode: 200})
				spent = c.budget
			case 2:
				used = c.budget
			}
		}
	}()
	waitUnused(t, spent)
	waitUnused(t, used)
	budgets.mu.Lock()
	budgets.sweepAt = 0
	budgets.mu.Unlock()
	c, err := NewClient(WithSimpleKey(testKey), WithBaseURL("https://budget-sweep-"+run+"-new.example"))
	if err != nil {
		t.Fatal(err)
	}
	budgets.mu.Lock()
	var kept []string
	for k, e := range budgets.m {
		if h, ok := strings.CutPrefix(k.host, "budget-sweep-"+run+"-"); ok {
			kept = append(kept, h)
			if h == "1.example" && e != spent {
				t.Error("the spent budget was replaced")
			}
		}
	}
	budgets.mu.Unlock()
	if slices.Sort(kept); strings.Join(kept, " ") != "1.example new.example" {
		t.Errorf("kept %v, want the spent budget and the new one", kept)
	}
	runtime.KeepAlive(c)
}

// TestBudgetOneInFlight: many goroutines calling one client, and several
// clients with one key, with default options: the server never has two
// requests at once, and every call succeeds within the burst.
func TestBudgetOneInFlight(t *testing.T) {
	budgetLeakCheck(t)
	key := testBudgetKey()
	s := newConcurrencyServer(t, nil)
	clients := []*Client{budgetClient(t, s.srv, key), budgetClient(t, s.srv, key), budgetClient(t, s.srv, key)}
	ctx := ctxT(t)
	var wg sync.WaitGroup
	var failed atomic.Int32
	start := time.Now()
	for g := range 24 {
		wg.Go(func() {
			c := clients[g%len(clients)]
			for range 4 {
				if err := c.GetAgentKeepAlive(ctx); err != nil {
					t.Error(err)
					failed.Add(1)
				}
			}
		})
	}
	wg.Wait()
	el := time.Since(start)
	if n := len(s.times()); n != 96 || failed.Load() != 0 {
		t.Errorf("server saw %d requests, %d calls failed; want 96 and 0", n, failed.Load())
	}
	if top := s.top.Load(); top != 1 {
		t.Errorf("the server had %d requests at once, want 1", top)
	}
	st := clients[0].Budget()
	if st.HourLeft != 4 || st.InFlight != 0 || st.Waiting != 0 || st.Shared != 3 {
		t.Errorf("after 96 calls: %+v", st)
	}
	t.Logf("MEASURE 96 calls by 24 goroutines over 3 clients in %v, at most %d in flight", el.Round(time.Millisecond), s.top.Load())
}

// TestBudgetWindowWithinBurstPlusRate: over any window, the requests sent
// stay within the burst plus the rate times the window (tiny figures: 20 per
// second, a burst of 3).
func TestBudgetWindowWithinBurstPlusRate(t *testing.T) {
	budgetLeakCheck(t)
	key := testBudgetKey()
	s := newConcurrencyServer(t, nil)
	limits := BudgetLimits{PerHour: 72000, PerDay: 72000 * 24, Burst: 3, DailyBurst: 1000}
	c1 := budgetClient(t, s.srv, key, WithBudget(limits))
	c2 := budgetClient(t, s.srv, key, WithBudget(limits))
	ctx, cancel := context.WithTimeout(context.Background(), 600*time.Millisecond)
	defer cancel()
	start := time.Now()
	var wg sync.WaitGroup
	var refused atomic.Int32
	for g := range 8 {
		wg.Go(func() {
			c := []*Client{c1, c2}[g%2]
			for ctx.Err() == nil {
				err := c.GetAgentKeepAlive(ctx)
				switch {
				case errors.Is(err, ErrBudgetExhausted):
					refused.Add(1)
					return // the next permit comes after the deadline
				case err != nil && ctx.Err() == nil:
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	times := s.times()
	rate := 20.0 // per second
	// From the start, when the buckets were full, the k-th request cannot
	// arrive before its permit: k ≤ burst + rate × (arrival - start),
	// exactly, whatever the latency.
	for k, at := range times {
		if bound := float64(limits.Burst) + rate*at.Sub(start).Seconds(); float64(k+1) > bound {
			t.Errorf("request %d arrived %v after the start: over the bound %.2f", k+1, at.Sub(start), bound)
		}
	}
	// Over any window between two arrivals the same holds, up to the
	// jitter of the loopback latency: one request of slack.
	worst := -1e9
	for i := range times {
		for j := i; j < len(times); j++ {
			excess := float64(j-i+1) - (float64(limits.Burst) + rate*times[j].Sub(times[i]).Seconds())
			if excess > 1 {
				t.Errorf("%d requests within %v", j-i+1, times[j].Sub(times[i]))
			}
			worst = max(worst, excess)
		}
	}
	el := time.Since(start)
	if len(times) < limits.Burst {
		t.Errorf("only %d requests in %v", len(times), el)
	}
	if top := s.top.Load(); top != 1 {
		t.Errorf("%d requests at once", top)
	}
	t.Logf("MEASURE %d requests in %v (bound %.1f); worst window between two arrivals: %+.2f requests over burst+rate×width; %d calls refused at once near the deadline",
		len(times), el.Round(time.Millisecond), float64(limits.Burst)+rate*el.Seconds(), worst, refused.Load())
}

// spend takes n permits from c's budget without sending anything.
func spend(t *testing.T, c *Client, n int) {
	t.Helper()
	for range n {
		rel, err := c.limiter.Acquire(ctxT(t))
		if err != nil {
			t.Fatal(err)
		}
		rel(Feedback{StatusCode: 200})
	}
}

// TestBudgetFailsFastPastDeadline: a call whose permit would come after its
// context's deadline fails at once with a *BudgetError saying how long the
// wait would have been, sends nothing, and leaves the context alive.
func TestBudgetFailsFastPastDeadline(t *testing.T) {
	budgetLeakCheck(t)
	key := testBudgetKey()
	srv, rc := newServer(t, failOnRequest(t))
	c := budgetClient(t, srv, key)
	other := budgetClient(t, srv, key) // same key: same budget
	spend(t, c, 100)
	if st := c.Budget(); st.PermitsLeft != 0 || st.Wait < 3*time.Second || st.Wait > 3600*time.Millisecond {
		t.Errorf("spent budget: %+v, want no permit left and a wait of about 3.6s", st)
	}
	for _, cl := range []*Client{c, other} {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		start := time.Now()
		_, err := cl.GetConversationDepartments(ctx)
		el := time.Since(start)
		ctxErr := ctx.Err()
		cancel()
		if !errors.Is(err, ErrBudgetExhausted) {
			t.Fatalf("err = %v, want ErrBudgetExhausted", err)
		}
		var be *BudgetError
		if !errors.As(err, &be) || be.Operation != "getConversationDepartments" || be.Paused ||
			be.Wait < 2500*time.Millisecond || be.Wait > 3600*time.Millisecond {
			t.Errorf("err = %#v, want the operation and a wait of about 3.6s", err)
		}
		if ctxErr != nil {
			t.Errorf("returned after the deadline (%v): it slept into it", el)
		}
		if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, ErrRateLimited) {
			t.Errorf("err = %v matches a deadline or a 429", err)
		}
		if !strings.Contains(err.Error(), "getConversationDepartments") || !strings.Contains(err.Error(), "deadline") {
			t.Errorf("message %q", err)
		}
		noSecret(t, err)
		t.Logf("MEASURE budget-refusal=%v wait=%v", el, be.Wait.Round(time.Millisecond))
	}
	if rc.count() != 0 {
		t.Errorf("server saw %d requests", rc.count())
	}
	// A refused call gives its reservation back: the wait is unchanged.
	if st := c.Budget(); st.Wait > 3600*time.Millisecond || st.Waiting != 0 {
		t.Errorf("after the refusals: %+v", st)
	}
}

// TestBudgetWaitEndsWithContext: a call waiting for a permit returns when
// its context is cancelled, and gives its place back.
func TestBudgetWaitEndsWithContext(t *testing.T) {
	budgetLeakCheck(t)
	srv, rc := newServer(t, failOnRequest(t))
	c := budgetClient(t, srv, testBudgetKey(), WithBudget(BudgetLimits{PerHour: 10, Burst: 1}))
	spend(t, c, 1)
	before := c.Budget().Wait
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- c.GetAgentKeepAlive(ctx) }()
	for c.Budget().Waiting == 0 {
		time.Sleep(time.Millisecond)
	}
	if w := c.Budget().Wait; w < before+5*time.Minute {
		t.Errorf("wait with a caller queued %v, want about %v more than %v", w, 6*time.Minute, before)
	}
	cancel()
	err := <-done
	if !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), "rate budget") {
		t.Errorf("err = %v, want context.Canceled while waiting for the budget", err)
	}
	var te *TransportError
	if !errors.As(err, &te) || te.Operation != "getAgentKeepAlive" {
		t.Errorf("err = %#v", err)
	}
	if st := c.Budget(); st.Waiting != 0 || st.Wait > before+time.Second {
		t.Errorf("after the cancel: %+v, want the wait back to %v", st, before)
	}
	if rc.count() != 0 {
		t.Errorf("server saw %d requests", rc.count())
	}
}

// TestBudget429PausesEveryCaller: a 429 with Retry-After silences every
// caller of every client sharing the budget for that long, retries
// included, and is counted in the budget's state.
func TestBudget429PausesEveryCaller(t *testing.T) {
	budgetLeakCheck(t)
	key := testBudgetKey()
	var t429 atomic.Int64
	s := newConcurrencyServer(t, func(w http.ResponseWriter, n int) {
		if n == 1 {
			time.Sleep(30 * time.Millisecond) // let the other callers queue
			w.Header().Set("Retry-After", "1")
			t429.Store(time.Now().UnixNano())
			writeError(w, http.StatusTooManyRequests, "")
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})
	a := budgetClient(t, s.srv, key, WithRetryPolicy(fastPolicy))
	b := budgetClient(t, s.srv, key, WithRetryPolicy(fastPolicy))
	ctx := ctxT(t)
	first := make(chan error, 1)
	go func() { first <- a.GetAgentKeepAlive(ctx) }()
	for len(s.times()) == 0 {
		time.Sleep(time.Millisecond)
	}
	var wg sync.WaitGroup
	for g := range 6 {
		wg.Go(func() {
			if err := []*Client{a, b}[g%2].GetAgentKeepAlive(ctx); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if err := <-first; err != nil {
		t.Errorf("the 429'd call, retried: %v", err)
	}
	times := s.times()
	if len(times) != 8 {
		t.Fatalf("server saw %d requests, want 8 (7 calls, one retried)", len(times))
	}
	end := time.Unix(0, t429.Load())
	var earliest time.Duration = time.Hour
	for _, at := range times[1:] {
		gap := at.Sub(end)
		earliest = min(earliest, gap)
		if gap < time.Second {
			t.Errorf("a request %v after the 429, within its Retry-After of 1s", gap)
		}
	}
	for _, c := range []*Client{a, b} {
		if st := c.Budget(); st.Pauses != 1 {
			t.Errorf("budget %+v, want 1 pause", st)
		}
	}
	t.Logf("MEASURE first request after the 429 came %v later (Retry-After 1s)", earliest.Round(time.Millisecond))
}

// TestBudget429WithoutRetryAfter: a 429 without Retry-After pauses the
// budget for its Pause; a call that cannot wait that long fails at once,
// saying the budget is paused.
func TestBudget429WithoutRetryAfter(t *testing.T) {
	budgetLeakCheck(t)
	var t429 atomic.Int64
	s := newConcurrencyServer(t, func(w http.ResponseWriter, n int) {
		if n == 1 {
			t429.Store(time.Now().UnixNano())
			writeError(w, http.StatusTooManyRequests, "")
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})
	c := budgetClient(t, s.srv, testBudgetKey(), WithoutRetries(), WithBudget(BudgetLimits{Pause: 200 * time.Millisecond}))
	if err := c.GetAgentKeepAlive(ctxT(t)); !errors.Is(err, ErrRateLimited) {
		t.Fatalf("err = %v, want the 429", err)
	}
	st := c.Budget()
	if st.Pauses != 1 || st.PausedUntil.IsZero() || time.Until(st.PausedUntil) > 200*time.Millisecond || st.Wait > 200*time.Millisecond {
		t.Errorf("after the 429: %+v, want a pause of at most 200ms", st)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	err := c.GetAgentKeepAlive(ctx)
	cancel()
	var be *BudgetError
	if !errors.As(err, &be) || !be.Paused || !strings.Contains(err.Error(), "paused after a 429") {
		t.Errorf("err = %v, want a *BudgetError for the pause", err)
	}
	if err := c.GetAgentKeepAlive(ctxT(t)); err != nil {
		t.Fatal(err)
	}
	times := s.times()
	if gap := times[len(times)-1].Sub(time.Unix(0, t429.Load())); gap < 200*time.Millisecond {
		t.Errorf("next request %v after the 429, within the 200ms pause", gap)
	}
}

// TestBudgetLearnsFromRESTError: a 429 naming the daily rate is
// ErrDailyLimit and empties the daily bucket; one naming the hourly rate
// empties the hourly bucket; one naming none empties neither.
func TestBudgetLearnsFromRESTError(t *testing.T) {
	for _, tc := range []struct {
		name, msg           string
		daily               bool
		hourLeft, dayLeft   int
		wantLimit           int
		wantWindow          time.Duration
		wantRateLimitParsed bool
	}{
		{"daily", "rate of 10000 per 86400 second(s) exceeded.", true, 99, 0, 10000, 24 * time.Hour, true},
		{"hourly", "rate of 1000 per 3600 second(s) exceeded.", false, 0, 999, 1000, time.Hour, true},
		{"concurrency", "Too many concurrent requests", false, 99, 999, 0, 0, false},
		{"per second", "Rate Of 5 per 1 second(s) exceeded", false, 99, 999, 5, time.Second, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv, _ := newServer(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
				w.Header().Set("UC-REST-ERROR", tc.msg)
				writeJSON(w, http.StatusTooManyRequests, errorBody(429))
			})
			c := budgetClient(t, srv, testBudgetKey(), WithoutRetries(), WithBudget(BudgetLimits{Pause: time.Millisecond}))
			_, err := c.GetConversationDepartments(ctxT(t))
			if !errors.Is(err, ErrRateLimited) || errors.Is(err, ErrDailyLimit) != tc.daily {
				t.Errorf("err = %v: ErrDailyLimit %t, want %t", err, errors.Is(err, ErrDailyLimit), tc.daily)
			}
			var apiErr *APIError
			if !errors.As(err, &apiErr) {
				t.Fatalf("err = %#v", err)
			}
			n, w, ok := apiErr.RateLimit()
			if n != tc.wantLimit || w != tc.wantWindow || ok != tc.wantRateLimitParsed {
				t.Errorf("RateLimit() = %d, %v, %t", n, w, ok)
			}
			if st := c.Budget(); st.HourLeft != tc.hourLeft || st.DayLeft != tc.dayLeft {
				t.Errorf("after the 429: hour %d, day %d; want %d, %d", st.HourLeft, st.DayLeft, tc.hourLeft, tc.dayLeft)
			}
		})
	}
	// Only a 429 says which rate was exceeded.
	e := &APIError{StatusCode: 400, RESTError: "rate of 10000 per 86400 second(s) exceeded."}
	if _, _, ok := e.RateLimit(); ok || errors.Is(e, ErrDailyLimit) {
		t.Error("a 400 read as a rate limit")
	}
	for _, msg := range []string{"", "rate of x per y", "rate of 0 per 86400 second(s)", "rate of 10 per 0 second(s)",
		"rate of 99999999999999 per 1 second(s)", "rate of 1 per 999999999999 second(s)"} {
		if n, w, ok := parseRESTRate(msg); ok {
			t.Errorf("parseRESTRate(%q) = %d, %v", msg, n, w)
		}
	}
	for msg, want := range map[string]int{
		"rate of  10000\tper\n86400 SECOND(S) exceeded.":                  10000,
		"first rate of x, then rate of 7 per 60 second(s)":                7,
		"error: Rate of 1000 per 3600 seconds exceeded for merchant DEMO": 1000,
	} {
		if n, _, ok := parseRESTRate(msg); !ok || n != want {
			t.Errorf("parseRESTRate(%q) = %d, %t, want %d", msg, n, ok, want)
		}
	}
}

// TestBudgetRetryCooperation: a retry takes a permit like any attempt and
// waits out the pause its 429 started, but never past the deadline: then
// the call returns the 429 itself, at once.
func TestBudgetRetryCooperation(t *testing.T) {
	budgetLeakCheck(t)
	t.Run("each attempt takes a permit", func(t *testing.T) {
		srv, rc := newServer(t, func(w http.ResponseWriter, _ *http.Request, n int) {
			if n < 3 {
				writeError(w, http.StatusServiceUnavailable, "")
				return
			}
			w.WriteHeader(http.StatusNoContent)
		})
		l := &countingLimiter{}
		c := newClient(t, srv, WithLimiter(l))
		if err := c.GetAgentKeepAlive(ctxT(t)); err != nil {
			t.Fatal(err)
		}
		if l.acquired.Load() != 3 || rc.count() != 3 || fmt.Sprint(l.statuses()) != "[503 503 200]" {
			t.Errorf("%d permits for %d requests, released with %v", l.acquired.Load(), rc.count(), l.statuses())
		}
	})
	t.Run("pause past the deadline returns the 429", func(t *testing.T) {
		srv, rc := newServer(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
			writeError(w, http.StatusTooManyRequests, "")
		})
		c := budgetClient(t, srv, testBudgetKey(), WithRetryPolicy(fastPolicy), WithBudget(BudgetLimits{Pause: 5 * time.Second}))
		ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
		defer cancel()
		err := c.GetAgentKeepAlive(ctx)
		var apiErr *APIError
		if !errors.As(err, &apiErr) || apiErr.StatusCode != 429 || apiErr.Attempts != 1 || errors.Is(err, ErrBudgetExhausted) {
			t.Errorf("err = %#v, want the 429 after 1 attempt", err)
		}
		if ctx.Err() != nil {
			t.Error("returned after the deadline")
		}
		if rc.count() != 1 {
			t.Errorf("%d requests", rc.count())
		}
	})
	t.Run("cancelled while a retry waits for the pause", func(t *testing.T) {
		srv, rc := newServer(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
			writeError(w, http.StatusTooManyRequests, "")
		})
		c := budgetClient(t, srv, testBudgetKey(), WithRetryPolicy(fastPolicy), WithBudget(BudgetLimits{Pause: 5 * time.Second}))
		ctx, cancel := context.WithCancel(context.Background())
		time.AfterFunc(100*time.Millisecond, cancel)
		err := c.GetAgentKeepAlive(ctx)
		if !errors.Is(err, context.Canceled) || !errors.Is(err, ErrRateLimited) {
			t.Errorf("err = %v, want both the cancel and the 429", err)
		}
		var te *TransportError
		if !errors.As(err, &te) || te.Attempts != 1 {
			t.Errorf("err = %#v", err)
		}
		if rc.count() != 1 {
			t.Errorf("%d requests", rc.count())
		}
	})
}

// countingLimiter grants every permit and records the feedback.
type countingLimiter struct {
	acquired atomic.Int32
	mu       sync.Mutex
	got      []int
	err      error
}

func (l *countingLimiter) Acquire(context.Context) (func(Feedback), error) {
	if l.err != nil {
		return nil, l.err
	}
	l.acquired.Add(1)
	return func(f Feedback) {
		l.mu.Lock()
		l.got = append(l.got, f.StatusCode)
		l.mu.Unlock()
	}, nil
}

func (l *countingLimiter) State() BudgetState { return BudgetState{} }

func (l *countingLimiter) statuses() []int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]int(nil), l.got...)
}

// TestBudgetForeignRequestsTakeNoPermit: the PUT to the presigned upload URL
// goes to storage, not to UltraCart: it takes no permit.
func TestBudgetForeignRequestsTakeNoPermit(t *testing.T) {
	api, store, client := uploadServers(t, nil)
	l := &countingLimiter{}
	if _, err := client(WithLimiter(l)).UploadConversationMultimedia(ctxT(t), "png", "", strings.NewReader("x")); err != nil {
		t.Fatal(err)
	}
	if l.acquired.Load() != 1 || api.count() != 1 || store.count() != 1 {
		t.Errorf("%d permits for %d API and %d storage requests", l.acquired.Load(), api.count(), store.count())
	}
}

// TestBudgetLimiterErrors: what a Limiter returns reaches the caller in the
// client's terms, and nothing is sent.
func TestBudgetLimiterErrors(t *testing.T) {
	srv, rc := newServer(t, failOnRequest(t))
	down := errors.New("budget store unreachable")
	for _, tc := range []struct {
		name  string
		err   error
		check func(error) bool
	}{
		{"own error", down, func(err error) bool {
			return errors.Is(err, down) && strings.Contains(err.Error(), "getAgentKeepAlive: rate budget")
		}},
		{"bare sentinel", fmt.Errorf("custom: %w", ErrBudgetExhausted), func(err error) bool {
			var be *BudgetError
			return errors.As(err, &be) && be.Operation == "getAgentKeepAlive"
		}},
		{"BudgetError without operation", &BudgetError{Wait: time.Minute}, func(err error) bool {
			var be *BudgetError
			return errors.As(err, &be) && be.Operation == "getAgentKeepAlive" && be.Wait == time.Minute
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := newClient(t, srv, WithLimiter(&countingLimiter{err: tc.err}))
			if err := c.GetAgentKeepAlive(ctxT(t)); !tc.check(err) {
				t.Errorf("err = %#v (%v)", err, err)
			}
		})
	}
	if rc.count() != 0 {
		t.Errorf("%d requests", rc.count())
	}
}

// TestBudgetLogsLongWaits: a wait for a permit longer than a moment is
// logged at debug level, without the credential.
func TestBudgetLogsLongWaits(t *testing.T) {
	srv, _ := newServer(t, func(w http.ResponseWriter, _ *http.Request, _ int) { w.WriteHeader(204) })
	logs := &lockedBuffer{}
	c := budgetClient(t, srv, testBudgetKey(), WithLogger(debugLogger(logs)), WithBudget(BudgetLimits{PerHour: 12000, Burst: 1})) // 300ms a permit
	for range 2 {
		if err := c.GetAgentKeepAlive(ctxT(t)); err != nil {
			t.Fatal(err)
		}
	}
	out := logs.String()
	if !strings.Contains(out, "waited for the rate budget") || !strings.Contains(out, "operation=getAgentKeepAlive") ||
		!strings.Contains(out, "level=DEBUG") || strings.Count(out, "waited for the rate budget") != 1 {
		t.Errorf("log:\n%s", out)
	}
	if strings.Contains(out, testKey) {
		t.Error("the log holds the key")
	}
}

// TestPollIntervals: the poll loops take their defaults for zero, and with
// the budget on refuse an interval shorter than its sustained interval,
// before sending anything.
func TestPollIntervals(t *testing.T) {
	srv, rc := newServer(t, failOnRequest(t))
	on := budgetClient(t, srv, testBudgetKey())
	ctx := ctxT(t)
	for _, tc := range []struct {
		name, arg string
		call      func(c *Client, d time.Duration) error
	}{
		{"FollowConversationMessages", "opts.Interval", func(c *Client, d time.Duration) error {
			return firstError(c.FollowConversationMessages(ctx, "conv-1", &FollowConversationMessagesOptions{Interval: d}))
		}},
		{"WatchInbox", "opts.Interval", func(c *Client, d time.Duration) error {
			return firstError(c.WatchInbox(ctx, &InboxOptions{Interval: d}))
		}},
		{"RunAgentKeepAlive", "interval", func(c *Client, d time.Duration) error { return c.RunAgentKeepAlive(ctx, d, nil) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, d := range []time.Duration{-time.Second, time.Millisecond, 8 * time.Second} {
				err := tc.call(on, d)
				var ae *ArgumentError
				if !errors.As(err, &ae) || ae.Argument != tc.arg {
					t.Errorf("interval %v: err = %v, want an *ArgumentError for %s", d, err, tc.arg)
				}
				if d > 0 && !strings.Contains(err.Error(), "8.64s") {
					t.Errorf("message %q does not say the shortest interval", err)
				}
			}
		})
	}
	if rc.count() != 0 {
		t.Errorf("%d requests", rc.count())
	}
	// Raised figures lower the floor; a limiter that does not report its
	// figures is held to the default ones; no budget, no floor.
	srv2, _ := newServer(t, failOnRequest(t))
	fast := budgetClient(t, srv2, testBudgetKey(), WithBudget(BudgetLimits{PerHour: 36000, PerDay: 864000}))
	if d, err := fast.pollInterval("op", "arg", 100*time.Millisecond, time.Minute); err != nil || d != 100*time.Millisecond {
		t.Errorf("raised figures: %v, %v", d, err)
	}
	if _, err := newClient(t, srv, WithLimiter(&countingLimiter{})).pollInterval("op", "arg", time.Second, time.Minute); err == nil {
		t.Error("a limiter without figures: 1s accepted")
	}
	if d, err := newClient(t, srv).pollInterval("op", "arg", time.Millisecond, time.Minute); err != nil || d != time.Millisecond {
		t.Errorf("no budget: %v, %v", d, err)
	}
	if d, err := on.pollInterval("op", "arg", 0, 42*time.Second); err != nil || d != 42*time.Second {
		t.Errorf("zero: %v, %v", d, err)
	}
	for _, d := range []time.Duration{DefaultFollowInterval, DefaultInboxInterval, DefaultKeepAliveInterval} {
		if _, err := on.pollInterval("op", "arg", d, d); err != nil {
			t.Errorf("default %v refused: %v", d, err)
		}
	}
}

// TestBudgetSlotWaitSpendsNothing: a caller that gives up while another
// request is in flight, with permits to spare, spends none of them.
func TestBudgetSlotWaitSpendsNothing(t *testing.T) {
	l := mustLocal(t, BudgetLimits{})
	rel, err := l.Acquire(ctxT(t))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
	defer cancel()
	if _, err := l.Acquire(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("err = %v, want the deadline while the slot is taken", err)
	}
	if st := l.State(); st.HourLeft != 99 || st.DayLeft != 999 || st.InFlight != 1 || st.Waiting != 0 {
		t.Errorf("state %+v, want only the first caller's permit spent", st)
	}
	rel(Feedback{StatusCode: 200})
	if st := l.State(); st.InFlight != 0 {
		t.Errorf("after release: %+v", st)
	}
}

// TestBudgetPollLoopsTakePermits: the iterator, the follower, the inbox
// watcher and the keep-alive loop call client methods, and so take a
// permit per request like any call.
func TestBudgetPollLoopsTakePermits(t *testing.T) {
	srv, rc := newServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		switch {
		case strings.HasSuffix(r.URL.Path, "/conversation/conversations"):
			more := r.URL.Query().Get("_offset") == ""
			writeJSON(w, 200, fmt.Sprintf(`{"success":true,"conversations":[{"conversation_uuid":"c%d","start_dts":"2026-03-01T09:00:00Z"}],`+
				`"metadata":{"result_set":{"more":%t}}}`, n, more))
		case strings.Contains(r.URL.Path, "/messages/"):
			writeJSON(w, 200, `{"success":true,"conversation_messages":[{"conversation_message_uuid":"m1","message_epoch":1}]}`)
		default:
			w.WriteHeader(204)
		}
	})
	ctx := ctxT(t)
	for _, tc := range []struct {
		name string
		run  func(c *Client) error
		want int32
	}{
		{"GetConversationsIter, two pages", func(c *Client) error {
			for _, err := range c.GetConversationsIter(ctx, nil) {
				if err != nil {
					return err
				}
			}
			return nil
		}, 2},
		{"FollowConversationMessages, first poll", func(c *Client) error {
			for _, err := range c.FollowConversationMessages(ctx, "conv-1", nil) {
				return err
			}
			return nil
		}, 1},
		{"WatchInbox, the first poll", func(c *Client) error {
			wctx, cancel := context.WithCancel(ctx)
			defer cancel()
			l := c.limiter.(*countingLimiter)
			go func() {
				for len(l.statuses()) < 1 {
					time.Sleep(time.Millisecond)
				}
				cancel()
			}()
			for _, err := range c.WatchInbox(wctx, &InboxOptions{StartAtNow: true, Interval: 10 * time.Second}) {
				return err
			}
			return nil
		}, 1},
		{"RunAgentKeepAlive, the first call", func(c *Client) error {
			kctx, cancel := context.WithCancel(ctx)
			l := c.limiter.(*countingLimiter)
			go func() {
				for len(l.statuses()) < 1 {
					time.Sleep(time.Millisecond)
				}
				cancel()
			}()
			if err := c.RunAgentKeepAlive(kctx, 0, nil); !errors.Is(err, context.Canceled) {
				return err
			}
			return nil
		}, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := rc.count()
			l := &countingLimiter{}
			c := newClient(t, srv, WithLimiter(l))
			if err := tc.run(c); err != nil {
				t.Fatal(err)
			}
			if got := l.acquired.Load(); got != tc.want || rc.count()-before != int(got) {
				t.Errorf("%d permits for %d requests, want %d", got, rc.count()-before, tc.want)
			}
		})
	}
}
