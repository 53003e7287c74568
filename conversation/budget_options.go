package conversation

import (
	"errors"
	"runtime"
)

// budgetConfig is what the budget options chose.
type budgetConfig struct {
	off     bool
	limits  BudgetLimits // as given to WithBudget; defaults filled in NewClient
	limiter Limiter      // WithLimiter
}

// WithBudget sets the figures of the client's rate budget, for an
// application whose limits UltraCart raised, or a MaxWait of the
// program's: zero fields keep DefaultBudgetLimits. The budget is still
// shared with the other clients of the process that use the same
// credential and host, which must give the same figures: the first client
// of a credential and host fixes them for the life of the process (as long
// as its TokenSource lives, for one), and NewClient fails for a client
// that gives others, whether or not the earlier clients are still in use.
// A client that needs other figures takes a Limiter of its own
// (WithLimiter).
func WithBudget(limits BudgetLimits) Option {
	return func(c *config) error {
		if _, err := limits.resolve("WithBudget"); err != nil {
			return err
		}
		c.budget = budgetConfig{limits: limits}
		return nil
	}
}

// WithLimiter makes the client take its permits from l instead of the
// process-wide budget of its credential and host: a budget shared across
// processes (package conversation/redisbudget), a LocalLimiter shared on
// purpose, or one of your own.
func WithLimiter(l Limiter) Option {
	return func(c *config) error {
		if l == nil {
			return errors.New("WithLimiter: limiter is nil")
		}
		c.budget = budgetConfig{limiter: l}
		return nil
	}
}

// WithoutBudget turns the rate budget off: calls go as fast and as many at
// once as the caller makes them. It is meant for loopback fakes such as
// conversationtest's, which have no rate limits; against UltraCart it
// invites 429s and abuse limits.
func WithoutBudget() Option {
	return func(c *config) error {
		c.budget = budgetConfig{off: true}
		return nil
	}
}

// setBudget gives c its limiter: the one given, none, or the process-wide
// budget of its credential and host.
func (c *Client) setBudget(b budgetConfig, host string) error {
	switch {
	case b.off:
		return nil
	case b.limiter != nil:
		c.limiter = b.limiter
		return nil
	}
	limits, err := b.limits.Resolve()
	if err != nil {
		return err
	}
	e, err := sharedBudget(host, c.creds().budgetID, limits)
	if err != nil {
		return err
	}
	c.limiter, c.budget = e.lim, e
	runtime.AddCleanup(c, func(e *budgetEntry) { e.refs.Add(-1) }, e)
	return nil
}
