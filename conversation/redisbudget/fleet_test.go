package redisbudget_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ultracart-community/ultracart-go/conversation"
	"github.com/ultracart-community/ultracart-go/conversation/redisbudget"
)

// The fleet probe of issue 18, on one machine: separate OS processes (the
// test binary run again) share one budget in a redis-server of the test's
// own, while the API server answers a 429 with Retry-After, a process is
// killed while its request is in flight, and Redis is stopped and
// restarted empty. What must hold: never two requests in flight; the
// requests within burst + rate × time; every refusal decided by the first
// script (before sleeping), unless a pause found later caused it.

// fleetLimits: 10 a second, a burst of 3, and a MaxWait of 400 ms: the
// callers give up waiting for a permit through the budget, not through a
// deadline, which could also cut a request short while the server still
// runs it (the client then frees its permit, and the server would see the
// next request beside the abandoned one: under load, that happened).
var fleetLimits = conversation.BudgetLimits{PerHour: 36000, PerDay: 36000 * 24 * 10, Burst: 3, DailyBurst: 100000,
	MaxWait: 400 * time.Millisecond}

// fleetProcess is a process of the fleet: GOROUTINES goroutines call
// KeepAlive for MS ms, each call with a deadline of 10 s (the budget's
// MaxWait refuses the waits it foresees past 400 ms); it prints what
// happened. With VICTIM set it makes one call, which the test
// kills it during.
func fleetProcess(get func(string) string) int {
	ms, _ := strconv.Atoi(get("MS"))
	goroutines, _ := strconv.Atoi(get("GOROUTINES"))
	addr := addrFrom(get("REDIS_ADDR_FILE"))
	rdb := followingClient(addr, addr())
	defer rdb.Close()
	h := &roundTrips{}
	rdb.AddHook(h)
	l, err := redisbudget.New(rdb, redisbudget.Options{Name: get("NAME"), Limits: fleetLimits,
		LockTTL: time.Second, PollInterval: 5 * time.Millisecond})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	ua := "fleet-" + strconv.Itoa(os.Getpid())
	if get("VICTIM") != "" {
		ua = "fleet-victim"
	}
	c, err := conversation.NewClient(conversation.WithSimpleKey(testKey), conversation.WithBaseURL(get("URL")+"/rest/v2"),
		conversation.WithLimiter(l), conversation.WithoutRetries(), conversation.WithUserAgent(ua))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	if get("VICTIM") != "" {
		// Until a permit: the test kills the process during its request.
		ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
		defer cancel()
		for {
			err := c.GetAgentKeepAlive(ctx)
			if !errors.Is(err, conversation.ErrBudgetExhausted) {
				fmt.Fprintln(os.Stderr, "the victim's call returned:", err)
				return 1
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	var calls, atAsk, later, throttled, redisDown atomic.Int64
	var worst atomic.Int64
	var mu sync.Mutex
	var errs []error
	end := time.Now().Add(time.Duration(ms) * time.Millisecond)
	var wg sync.WaitGroup
	for range goroutines {
		wg.Go(func() {
			for time.Now().Before(end) {
				ctx, trips := counting(context.Background())
				ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
				start := time.Now()
				err := c.GetAgentKeepAlive(ctx)
				took := time.Since(start)
				cancel()
				var be *conversation.BudgetError
				switch {
				case err == nil:
					calls.Add(1)
				case errors.As(err, &be) && trips.Load() == 1:
					atAsk.Add(1)
					for w := worst.Load(); int64(took) > w && !worst.CompareAndSwap(w, int64(took)); w = worst.Load() {
					}
					time.Sleep(min(be.Wait, 50*time.Millisecond)) // as a caller would, rather than spin
				case errors.As(err, &be) && be.Paused:
					later.Add(1)
				case errors.Is(err, conversation.ErrRateLimited):
					throttled.Add(1)
				case strings.Contains(err.Error(), "redisbudget"):
					redisDown.Add(1)
					time.Sleep(20 * time.Millisecond)
				default:
					mu.Lock()
					errs = append(errs, fmt.Errorf("after %v, %d round trips: %w", took, trips.Load(), err))
					mu.Unlock()
				}
			}
		})
	}
	wg.Wait()
	for _, err := range errs {
		fmt.Fprintln(os.Stderr, "error:", err)
	}
	fmt.Printf("calls=%d refused_at_ask=%d refused_for_a_later_pause=%d throttled=%d redis_down=%d slowest_refusal_at_ask=%v\n",
		calls.Load(), atAsk.Load(), later.Load(), throttled.Load(), redisDown.Load(), time.Duration(worst.Load()))
	if len(errs) > 0 {
		return 1
	}
	return 0
}

// TestFleet: three processes of four goroutines, and one process killed
// while its request is in flight, share a budget of 10 a second (burst 3)
// for 4.5 s; the service answers one 429 with Retry-After: 1; Redis is
// stopped after 2 s and started again, empty, 300 ms later. LockTTL is a
// second, so that the server, however loaded the machine, sees the killed
// holder's connection close before its slot expires: a slot cannot know
// when the server ends a request its client abandoned.
func TestFleet(t *testing.T) {
	srv := newPrivateRedis(t)
	var cur, top, n atomic.Int32
	var mu sync.Mutex
	var arrivals []time.Time
	type span struct {
		who        string
		start, end time.Time
	}
	var spans []span // for the report of an overlap
	victim := make(chan struct{}, 1)
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		now := cur.Add(1)
		defer cur.Add(-1)
		for t := top.Load(); now > t && !top.CompareAndSwap(t, now); t = top.Load() {
		}
		mu.Lock()
		arrivals = append(arrivals, time.Now())
		i := len(spans)
		spans = append(spans, span{who: r.UserAgent(), start: time.Now()})
		mu.Unlock()
		defer func() {
			mu.Lock()
			spans[i].end = time.Now()
			mu.Unlock()
		}()
		if strings.Contains(r.UserAgent(), "fleet-victim") {
			victim <- struct{}{}
			<-r.Context().Done() // until the process is killed
			return
		}
		time.Sleep(2 * time.Millisecond)
		if n.Add(1) == 12 {
			w.Header().Set("Retry-After", "1")
			w.WriteHeader(http.StatusTooManyRequests)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	}))
	defer api.Close()
	name := budgetName(t)
	env := func(extra ...string) []string {
		return append(append(os.Environ(), helperEnv+"=fleet", helperEnv+"_REDIS_ADDR_FILE="+srv.AddrFile, helperEnv+"_NAME="+name,
			helperEnv+"_URL="+api.URL, helperEnv+"_MS=4500", helperEnv+"_GOROUTINES=4"), extra...)
	}
	start := time.Now()
	var wg sync.WaitGroup
	// The victim first, so that it gets a permit of the burst.
	var victimOut bytes.Buffer
	vcmd := startHelper(t, env(helperEnv+"_VICTIM=1"), &victimOut)
	var killedAt time.Duration
	wg.Go(func() {
		select {
		case <-victim:
			killedAt = time.Since(start)
			_ = vcmd.Process.Kill()
		case <-time.After(10 * time.Second):
			t.Error("the victim's request never came")
			_ = vcmd.Process.Kill()
		}
		_ = vcmd.Wait()
	})
	outs := make([]bytes.Buffer, 3)
	for i := range outs {
		cmd := startHelper(t, env(), &outs[i])
		wg.Go(func() {
			if err := cmd.Wait(); err != nil {
				t.Errorf("process %d: %v\n%s", i, err, outs[i].String())
			}
		})
	}
	time.Sleep(2*time.Second - time.Since(start))
	srv.Stop()
	time.Sleep(300 * time.Millisecond)
	srv.Start()
	wg.Wait()
	el := time.Since(start)

	mu.Lock()
	times := append([]time.Time(nil), arrivals...)
	mu.Unlock()
	checkWithinBudget(t, times, start, fleetLimits)
	if top.Load() != 1 {
		t.Errorf("the server had %d requests at once, want 1", top.Load())
		mu.Lock()
		for i, a := range spans {
			for _, b := range spans[i+1:] {
				if b.start.Before(a.end) && a.start.Before(b.end) {
					t.Logf("overlap: %s %v-%v and %s %v-%v (Redis stopped at 2s, started at 2.3s; victim killed at %v)",
						a.who, a.start.Sub(start), a.end.Sub(start), b.who, b.start.Sub(start), b.end.Sub(start), killedAt)
				}
			}
		}
		mu.Unlock()
	}
	re := regexp.MustCompile(`calls=(\d+) `)
	var summary []string
	total := 0
	for i := range outs {
		out := strings.TrimSpace(outs[i].String())
		m := re.FindStringSubmatch(out)
		if m == nil {
			t.Errorf("process %d did not run: %s", i, out)
			continue
		}
		n, _ := strconv.Atoi(m[1])
		total += n
		summary = append(summary, out)
	}
	if total < fleetLimits.Burst {
		t.Errorf("the fleet made %d calls: the budget was not used", total)
	}
	t.Logf("MEASURE fleet of 3 processes x 4 goroutines (+1 killed after %v mid-request), Redis down 2.0s-2.3s: %d requests in %v, budget bound %.1f, at most %d in flight\n%s",
		killedAt.Round(time.Millisecond), len(times), el.Round(time.Millisecond), float64(fleetLimits.Burst)+10*el.Seconds(), top.Load(),
		strings.Join(summary, "\n"))
}
