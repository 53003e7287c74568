package conversationtest

import (
	"errors"
	"regexp"
	"strings"
	"time"

	"github.com/ultracart-community/ultracart-go/conversation"
)

// Option configures a Server created by New or NewServer.
type Option func(*config) error

type config struct {
	key               string
	bearerToken       string
	agentARN          string
	agentName         string
	agentUserID       int
	merchantID        string
	now               func() time.Time
	demo              bool
	seeds             [][]byte
	validateResponses bool
	clientOpts        []conversation.Option
	unknown           UnknownProperties
	logf              func(format string, args ...any)
}

// Defaults of a new Server.
const (
	// DefaultMerchantID is the merchant_id the fake puts on what it returns.
	DefaultMerchantID = "DEMO"
	// DefaultAgentName is the name of the calling agent.
	DefaultAgentName = "Fake Agent"
	// DefaultAgentARN is the participant ARN of the calling agent.
	DefaultAgentARN = "arn:fake:conversation:user/fake-agent"
	// DefaultAgentUserID is the user_id of the calling agent.
	DefaultAgentUserID = 1001
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
// otherwise): 1 to 5 letters or digits, as UltraCart's are and the PBX
// models' maximum length requires.
func WithMerchantID(id string) Option {
	return func(c *config) error {
		if !merchantIDs.MatchString(id) {
			return errors.New("WithMerchantID: want 1 to 5 letters or digits")
		}
		c.merchantID = id
		return nil
	}
}

var merchantIDs = regexp.MustCompile(`^[A-Za-z0-9]{1,5}$`)

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
// and webchat conversations with messages, canned messages, departments
// with members, engagements, a webchat queue with the agent and a waiting
// customer, agent profiles (one an AI agent with an MCP server and a
// knowledge base document), and a PBX: a phone number routed by business
// hours to a menu and a queue, audio, a voicemail mailbox, voicemails,
// call records, a hardware phone and a class of service. Without it the
// server holds only the calling agent's profile and PBX agent.
func WithDemoData() Option {
	return func(c *config) error {
		c.demo = true
		return nil
	}
}

// WithSeedJSON seeds the server from a JSON document, after the demo data
// if any: an object whose keys name the kinds Add stores (departments,
// pbx_queues, agent_voicemails, ...: the package documentation lists
// them), conversations and webchat_queue_statuses, each a list of objects
// as the API writes them.
// A kind kept under a parent (mcp_servers, knowledge_base_documents,
// user_pbx_audios, queue_voicemails) is an object of such lists by the
// parent's identifier; a singleton (permissions, virtual_agent_budget,
// virtual_agent_capabilities) is one object. Parents are stored before
// their children, and every object must pass the spec as Add requires.
// cmd/ultracart-fake takes such a file with -seed.
func WithSeedJSON(doc []byte) Option {
	return func(c *config) error {
		c.seeds = append(c.seeds, doc)
		return nil
	}
}

// WithoutResponseValidation stops checking every response against the spec
// before it is sent. The check makes a response the spec rejects (an enum
// value the official SDKs do not list, a string over its maximum length)
// a 500 naming the problem, and fails the test under NewServer; turn it
// off only to measure the fake's own speed.
func WithoutResponseValidation() Option {
	return func(c *config) error {
		c.validateResponses = false
		return nil
	}
}

// WithLogf sets where the fake writes its log lines (a request accepted
// with KeepUnknown, for now). NewServer logs to the test (t.Logf) by
// default, New nowhere.
func WithLogf(logf func(format string, args ...any)) Option {
	return func(c *config) error {
		if logf == nil {
			return errors.New("WithLogf: logf is nil")
		}
		c.logf = logf
		return nil
	}
}

// WithClientOptions adds options for the Client NewServer builds, after its
// own (key, base URL, HTTP client). A test that must see an injected 429
// rather than have the default retries absorb it passes
// conversation.WithoutRetries().
func WithClientOptions(opts ...conversation.Option) Option {
	return func(c *config) error {
		c.clientOpts = append(c.clientOpts, opts...)
		return nil
	}
}
