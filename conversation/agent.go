package conversation

import (
	"context"
	"time"
)

// minKeepAliveBound keeps a short interval from failing calls that are merely
// slow.
const minKeepAliveBound = time.Second

// RunAgentKeepAlive calls GetAgentKeepAlive now and then every interval until ctx ends,
// then returns ctx's error. An interval of 0 takes DefaultKeepAliveInterval;
// with the rate budget on, one shorter than its sustained interval (8.64s
// by default) is refused. A failed call does not stop the loop: it is passed
// to onFailure (when not nil), which runs on the loop's goroutine. Each call,
// retries included, is bounded by interval (at least one second): a
// keep-alive that answers later than the next one is due is worthless, and a
// service that never answers must not stall the loop. Calls follow a ticker,
// so however fast a service fails them the loop makes at most one call per
// interval (and one more after a call that outlasted its tick); any
// interval, up to the longest time.Duration, is safe.
func (c *Client) RunAgentKeepAlive(ctx context.Context, interval time.Duration, onFailure func(error)) error {
	if err := checkCtx(opGetAgentKeepAlive.id, ctx); err != nil {
		return err
	}
	interval, err := c.pollInterval(opGetAgentKeepAlive.id, "interval", interval, DefaultKeepAliveInterval)
	if err != nil {
		return err
	}
	ticker := time.NewTicker(interval)
	defer ticker.Stop()
	for {
		callCtx, cancel := context.WithTimeout(ctx, max(interval, minKeepAliveBound))
		err := c.GetAgentKeepAlive(callCtx)
		cancel()
		if err != nil && ctx.Err() == nil && onFailure != nil {
			onFailure(err)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-ticker.C:
		}
	}
}
