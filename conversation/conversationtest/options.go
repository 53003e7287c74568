package conversationtest

import (
	"errors"
	"strings"
	"time"
)

// Option configures a Server created by New or NewServer.
type Option func(*config) error

type config struct {
	key         string
	bearerToken string
	agentARN    string
	agentName   string
	merchantID  string
	now         func() time.Time
	demo        bool
}

// Defaults of a new Server.
const (
	// DefaultMerchantID is the merchant_id the fake puts on what it returns.
	DefaultMerchantID = "DEMO"
	// DefaultAgentName is the name of the calling agent.
	DefaultAgentName = "Fake Agent"
	// DefaultAgentARN is the participant ARN of the calling agent.
	DefaultAgentARN = "arn:fake:conversation:user/fake-agent"
)

// WithKey sets the simple API key the server accepts in the
// x-ultracart-simple-key header, instead of a random one. Use an obvious
// placeholder such as "test-key", never a real key.
func WithKey(key string) Option {
	return func(c *config) error {
		if strings.TrimSpace(key) == "" {
			return errors.New("WithKey: key is empty")
		}
		c.key = key
		return nil
	}
}

// WithBearerToken makes the server also accept "Authorization: Bearer token",
// the OAuth 2 scheme. Without it every bearer token is refused.
func WithBearerToken(token string) Option {
	return func(c *config) error {
		if strings.TrimSpace(token) == "" {
			return errors.New("WithBearerToken: token is empty")
		}
		c.bearerToken = token
		return nil
	}
}

// WithAgent sets the participant ARN and name of the calling agent: the one
// that startConversation, join, leave, markread and the queue status update
// act as, and that agent authorization describes.
func WithAgent(arn, name string) Option {
	return func(c *config) error {
		if strings.TrimSpace(arn) == "" {
			return errors.New("WithAgent: ARN is empty")
		}
		c.agentARN = arn
		c.agentName = name
		return nil
	}
}

// WithMerchantID sets the merchant_id the fake reports (DefaultMerchantID
// otherwise).
func WithMerchantID(id string) Option {
	return func(c *config) error {
		if strings.TrimSpace(id) == "" {
			return errors.New("WithMerchantID: merchant id is empty")
		}
		c.merchantID = id
		return nil
	}
}

// WithClock sets where the fake reads the current time, for deterministic
// timestamps. now must be safe for concurrent use.
func WithClock(now func() time.Time) Option {
	return func(c *config) error {
		if now == nil {
			return errors.New("WithClock: clock is nil")
		}
		c.now = now
		return nil
	}
}

// WithDemoData seeds the server with a small, realistic data set: a few SMS
// and webchat conversations with messages, canned messages, departments,
// engagements and a webchat queue with the agent and a waiting customer.
// Without it the server starts empty.
func WithDemoData() Option {
	return func(c *config) error {
		c.demo = true
		return nil
	}
}
