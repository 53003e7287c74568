package conversation

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"fmt"
	"net"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"weak"

	"golang.org/x/oauth2"
)

// UltraCart counts requests per application and per IP, not per Client
// value: the clients of one process that call one API host with one
// credential share one budget, found in this process-wide registry. It is
// the package's only global state, and must be: budgets are shared by
// clients that know nothing of each other.
//
// The key is the host and an identity of the credential, never the
// credential itself:
//   - a simple key or a fixed bearer token: an HMAC-SHA256 of it under a
//     random key made once per process, so the registry holds nothing from
//     which the secret could be recovered, even in a heap dump of the map;
//   - an OAuth 2 TokenSource (WithTokenSource): the TokenSource value
//     itself, compared as Go compares interface values (the same pointer,
//     for the usual pointer types). Its tokens cannot serve: they change on
//     every refresh, which would split the budget. Clients given the same
//     TokenSource share a budget; clients given two TokenSources for one
//     application do not, unless they are given the same Limiter
//     (WithLimiter). A TokenSource of a type Go cannot compare gets a
//     budget of its own per client.
//
// The figures of a budget are fixed by the first client of its credential
// and host, for as long as a client could present that credential again:
// for the life of the process for a key or token, for as long as the
// TokenSource lives for a TokenSource that is a pointer (the registry holds
// it weakly), for the life of the process for one that is not. A client
// with other figures fails in NewClient whether or not the earlier clients
// are still in use: whether they are depends on when the garbage collector
// runs, and NewClient must not.
type budgetKey struct {
	host string
	cred any
}

// budgetEntry is one shared budget and the number of live clients using it.
type budgetEntry struct {
	lim  *LocalLimiter
	refs atomic.Int64 // counted off by each client's cleanup: for Shared, and for dropping the limiter
}

var budgets struct {
	mu sync.Mutex
	// m holds the budgets; one that no client uses and that is as good as
	// new is dropped now and then (sweepBudgetsLocked), since dropping it
	// forgets nothing.
	m map[budgetKey]*budgetEntry
	// figures holds the figures each key was first given, kept as long as
	// the key can recur (see above): the small part that must outlive the
	// budget for NewClient to be deterministic.
	figures map[budgetKey]BudgetLimits
	sweepAt int // len(m) at which to sweep
}

// sharedBudget returns the budget of host and cred with the given figures,
// creating it on first use, and counts one more client using it (the
// client's cleanup counts it off). Figures other than those the key was
// first given are an error, always.
func sharedBudget(host string, cred any, limits BudgetLimits) (*budgetEntry, error) {
	if cred == nil {
		e := &budgetEntry{lim: newLocalLimiter(limits)}
		e.refs.Add(1)
		return e, nil
	}
	key := budgetKey{host: normalizeHost(host), cred: cred}
	budgets.mu.Lock()
	defer budgets.mu.Unlock()
	if budgets.m == nil {
		budgets.m = make(map[budgetKey]*budgetEntry)
		budgets.figures = make(map[budgetKey]BudgetLimits)
	}
	if first, ok := budgets.figures[key]; ok && first != limits {
		return nil, fmt.Errorf("budget: an earlier client of %s with this credential set the figures %+v, this one %+v: clients sharing a budget must agree on them, "+
			"for the life of the process (or give this client a Limiter of its own with WithLimiter)", key.host, first, limits)
	}
	budgets.figures[key] = limits
	if e, ok := budgets.m[key]; ok {
		e.refs.Add(1)
		return e, nil
	}
	sweepBudgetsLocked()
	e := &budgetEntry{lim: newLocalLimiter(limits)}
	e.refs.Add(1)
	budgets.m[key] = e
	return e, nil
}

// sweepBudgetsLocked drops, now and then, the budgets that no client uses
// and that are as good as new, so that a process calling many hosts or
// keys over time does not keep them all, and forgets the keys of
// TokenSources that no longer exist. Amortised: it runs when the map has
// doubled since the last sweep.
func sweepBudgetsLocked() {
	if len(budgets.m) < budgets.sweepAt {
		return
	}
	for k, e := range budgets.m {
		if gone(k) || e.refs.Load() <= 0 && e.lim.idle() {
			delete(budgets.m, k)
		}
	}
	for k := range budgets.figures {
		if gone(k) {
			delete(budgets.figures, k)
		}
	}
	budgets.sweepAt = max(64, 2*len(budgets.m))
}

// gone reports whether no client can present k's credential again: its
// TokenSource was collected.
func gone(k budgetKey) bool {
	ts, ok := k.cred.(tokenSourceKey)
	return ok && ts.ptr.Value() == nil
}

// normalizeHost lower-cases a host and drops a default port, so that
// "secure.ultracart.com" and "SECURE.ultracart.com:443" share a budget.
func normalizeHost(h string) string {
	h = strings.ToLower(h)
	if host, port, err := net.SplitHostPort(h); err == nil && (port == "443" || port == "80") {
		return host
	}
	return h
}

// processKey keys the HMAC of credential fingerprints: random, made once
// per process, never leaves it.
var processKey = sync.OnceValue(func() []byte {
	k := make([]byte, 32)
	_, _ = rand.Read(k) // crypto/rand.Read never fails (Go 1.24+)
	return k
})

// credFingerprint identifies a secret without holding it.
type credFingerprint [sha256.Size]byte

func fingerprint(kind, secret string) credFingerprint {
	m := hmac.New(sha256.New, processKey())
	m.Write([]byte(kind))
	m.Write([]byte{0})
	m.Write([]byte(secret))
	var f credFingerprint
	m.Sum(f[:0])
	return f
}

// tokenSourceKey identifies a TokenSource that is a pointer, holding it
// weakly: the registry must not keep alive a TokenSource (and the tokens
// it holds) that the program dropped. Its type is part of it, as it is of
// an interface value's identity.
type tokenSourceKey struct {
	typ reflect.Type
	ptr weak.Pointer[struct{}]
}

// tokenSourceValue identifies a TokenSource that is a comparable value
// (oauth2.StaticTokenSource), kept for the life of the process.
type tokenSourceValue struct{ ts oauth2.TokenSource }

// tokenSourceID is the budget identity of a TokenSource, or nil when Go
// cannot compare its type (a map, slice or func type, or a struct holding
// one): using such a value as a map key would panic.
func tokenSourceID(ts oauth2.TokenSource) any {
	if v := reflect.ValueOf(ts); v.Kind() == reflect.Pointer && !v.IsNil() {
		return tokenSourceKey{typ: v.Type(), ptr: weak.Make((*struct{})(v.UnsafePointer()))}
	}
	if !selfEqual(ts, ts) {
		return nil
	}
	return tokenSourceValue{ts}
}

// selfEqual reports whether a == b can be evaluated without a panic (and
// holds).
func selfEqual(a, b any) (ok bool) {
	defer func() {
		if recover() != nil {
			ok = false
		}
	}()
	return a == b
}
