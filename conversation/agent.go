package conversation

import (
	"context"
	"time"

	"github.com/ultracart-community/ultracart-go/gen"
)

var (
	opKeepAlive = operation{id: "getAgentKeepAlive", idempotent: true}
	opAgentAuth = operation{id: "getAgentWebsocketAuthorization", idempotent: true} // issues a token; repeating is harmless
)

// KeepAlive keeps the agent's session alive (getAgentKeepAlive).
func (c *Client) KeepAlive(ctx context.Context) error {
	return c.callVoid(ctx, opKeepAlive, gen.NewGetAgentKeepAliveRequest)
}

// AgentWebsocketAuthorization returns a JWT and websocket URL that authorize
// the agent's websocket connection (getAgentWebsocketAuthorization).
func (c *Client) AgentWebsocketAuthorization(ctx context.Context) (*ConversationAgentAuthResponse, error) {
	return call(ctx, c, opAgentAuth, gen.NewGetAgentWebsocketAuthorizationRequest,
		func(r *ConversationAgentAuthResponse) (*bool, *gen.Error) { return r.Success, r.Error })
}

// minKeepAliveBound keeps a short interval from failing calls that are merely
// slow.
const minKeepAliveBound = time.Second

// RunKeepAlive calls KeepAlive now and then every interval until ctx ends,
// then returns ctx's error. An interval of 0 takes DefaultKeepAliveInterval;
// with the rate budget on, one shorter than its sustained interval (8.64s
// by default) is refused. A failed call does not stop the loop: it is passed
// to onFailure (when not nil), which runs on the loop's goroutine. Each call,
// retries included, is bounded by interval (at least one second): a
// keep-alive that answers later than the next one is due is worthless, and a
// service that never answers must not stall the loop.
func (c *Client) RunKeepAlive(ctx context.Context, interval time.Duration, onFailure func(error)) error {
	if err := checkCtx(opKeepAlive.id, ctx); err != nil {
		return err
	}
	interval, err := c.pollInterval(opKeepAlive.id, "interval", interval, DefaultKeepAliveInterval)
	if err != nil {
		return err
	}
	ticker := time.NewTicker(interval)
	defer ticker.Stop()
	for {
		callCtx, cancel := context.WithTimeout(ctx, max(interval, minKeepAliveBound))
		err := c.KeepAlive(callCtx)
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
