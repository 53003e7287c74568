package conversation

import (
	"runtime"
	"strings"
	"testing"
	"time"

	"golang.org/x/oauth2"
)

// TestBudgetFiguresDeterministic: a client whose figures differ from an
// earlier client's of the same credential and host fails, every time,
// whether or not the garbage collector has collected the earlier one; one
// with the same figures succeeds, every time. For a TokenSource the
// figures are kept as long as it lives, and forgotten once it is
// collected: no client can present it again.
func TestBudgetFiguresDeterministic(t *testing.T) {
	base := WithBaseURL("https://budget-deterministic.example/rest/v2")
	ts := &tsPtr{testToken}
	for _, cred := range []struct {
		name string
		opt  Option
	}{
		{"simple key", WithSimpleKey(testBudgetKey())},
		{"bearer token", WithBearerToken(testToken + "-deterministic")},
		{"token source", WithTokenSource(ts)},
		{"static token source", WithTokenSource(oauth2.StaticTokenSource(&oauth2.Token{AccessToken: testToken}))},
	} {
		t.Run(cred.name, func(t *testing.T) {
			first := func() *budgetEntry {
				c, err := NewClient(cred.opt, base, WithBudget(BudgetLimits{PerHour: 2000}))
				if err != nil {
					t.Fatal(err)
				}
				return c.budget
			}
			e := first()
			for i := range 10 {
				if i%2 == 0 {
					waitUnused(t, e) // every client collected, or not: the same outcome
				}
				_, err := NewClient(cred.opt, base, WithBudget(BudgetLimits{PerHour: 3000}))
				if err == nil || !strings.Contains(err.Error(), "must agree") || !strings.Contains(err.Error(), "PerHour:2000") {
					t.Fatalf("round %d, other figures: %v, want the error naming the first figures", i, err)
				}
				noSecret(t, err)
				c, err := NewClient(cred.opt, base, WithBudget(BudgetLimits{PerHour: 2000}))
				if err != nil {
					t.Fatalf("round %d, same figures: %v", i, err)
				}
				runtime.KeepAlive(c)
			}
		})
	}
	runtime.KeepAlive(ts)

	// A TokenSource collected: its key is swept from the registry, figures
	// and all, and its budget is not kept alive by it.
	func() {
		c, err := NewClient(WithTokenSource(&tsPtr{testToken}), base, WithBudget(BudgetLimits{PerHour: 2000}))
		if err != nil {
			t.Fatal(err)
		}
		runtime.KeepAlive(c)
	}()
	dead := func() (n int) {
		budgets.mu.Lock()
		defer budgets.mu.Unlock()
		for k := range budgets.figures {
			if k.host == "budget-deterministic.example" && gone(k) {
				n++
			}
		}
		return n
	}
	for i := 0; dead() == 0; i++ {
		if i == 200 {
			t.Fatal("the dropped TokenSource is still alive after 200 collections: the registry holds it")
		}
		runtime.GC()
		time.Sleep(5 * time.Millisecond)
	}
	budgets.mu.Lock()
	budgets.sweepAt = 0
	sweepBudgetsLocked()
	budgets.mu.Unlock()
	if n := dead(); n != 0 {
		t.Errorf("%d records of collected TokenSources left after a sweep", n)
	}
	// The live one is kept.
	if _, err := NewClient(WithTokenSource(ts), base, WithBudget(BudgetLimits{PerHour: 3000})); err == nil {
		t.Error("the live TokenSource's figures were forgotten by the sweep")
	}
	runtime.KeepAlive(ts)
}
