package conversation

import (
	"strconv"
	"time"
)

// Default intervals of the poll loops, chosen to fit the default budget
// with room for the caller's own calls: at most 416 requests an hour
// sustained (10,000 a day), of which a follower or inbox watcher takes 120
// and the keep-alive loop 60. docs/RELIABILITY.md has the arithmetic.
const (
	// DefaultFollowInterval is FollowConversationMessages' wait between polls.
	DefaultFollowInterval = 30 * time.Second
	// DefaultInboxInterval is WatchInbox's wait between polls.
	DefaultInboxInterval = 30 * time.Second
	// DefaultKeepAliveInterval is RunAgentKeepAlive's interval.
	DefaultKeepAliveInterval = time.Minute
)

// pollInterval checks the interval of a poll loop: zero takes def; a
// negative one, or one shorter than the budget's sustained interval (8.64 s
// with the default figures: one poll every interval would alone spend the
// whole budget, leaving nothing for anything else), is an *ArgumentError.
// A client without a budget accepts any positive interval.
func (c *Client) pollInterval(op, arg string, d, def time.Duration) (time.Duration, error) {
	switch {
	case d == 0:
		return def, nil
	case d < 0:
		return 0, &ArgumentError{Operation: op, Argument: arg, Reason: "must not be negative (0 takes the default, " + def.String() + ")"}
	}
	if floor := c.minPollInterval(); d < floor {
		return 0, &ArgumentError{Operation: op, Argument: arg, Reason: d.String() + " is shorter than " + floor.String() +
			": polling that often would alone spend the whole rate budget (" + c.budgetFigures() + "); 0 takes the default, " + def.String()}
	}
	return d, nil
}

// minPollInterval is the shortest interval a poll loop of c may use: one
// permit's worth of its budget's sustained rate, or nothing without a
// budget. A Limiter that does not report its figures is held to the
// default ones.
func (c *Client) minPollInterval() time.Duration {
	if c.limiter == nil {
		return 0
	}
	return c.budgetLimits().SustainedInterval()
}

func (c *Client) budgetLimits() BudgetLimits {
	l := c.limiter.State().Limits
	if l.PerHour <= 0 || l.PerDay <= 0 {
		return DefaultBudgetLimits
	}
	return l
}

func (c *Client) budgetFigures() string {
	l := c.budgetLimits()
	return strconv.Itoa(l.PerHour) + " an hour, " + strconv.Itoa(l.PerDay) + " a day"
}
