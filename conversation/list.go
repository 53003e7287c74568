package conversation

import (
	"context"
	"iter"
	"log/slog"
	"net/http"

	"github.com/ultracart-community/ultracart-go/gen"
)

var opGetConversations = operation{id: "getConversations", idempotent: true}

// Conversation media, for ListConversationsOptions.Medium.
const (
	MediumSMS       = gen.ConversationSummaryMediumSms
	MediumWebsocket = gen.ConversationSummaryMediumWebsocket
)

// MaxPageSize is the largest page getConversations serves.
const MaxPageSize = 200

// ListConversationsOptions are the optional parameters of getConversations.
// The zero value lists every medium from the newest conversation.
type ListConversationsOptions struct {
	// Medium keeps only conversations of one medium (MediumSMS, MediumWebsocket).
	Medium ConversationSummaryMedium
	// Before is sent as the `before` query parameter, as given.
	Before string
	// Limit is the page size, 1..MaxPageSize (0: the service's default, 100;
	// AllConversations uses MaxPageSize).
	Limit int
	// Offset is the zero-based index of the first conversation.
	Offset int
}

// ConversationsPage is one page of conversation summaries.
type ConversationsPage struct {
	Conversations []ConversationSummary
	// ResultSet is metadata.result_set (zero when the service sent none).
	ResultSet ResultSet
	// Response is the whole decoded body, metadata and warning included.
	Response *ConversationsResponse
}

// More reports whether the service says more conversations follow.
func (p *ConversationsPage) More() bool { return p.ResultSet.More != nil && *p.ResultSet.More }

// ListConversations retrieves one page of conversation summaries, newest
// first (getConversations).
func (c *Client) ListConversations(ctx context.Context, opts *ListConversationsOptions) (*ConversationsPage, error) {
	const op = "getConversations"
	var o ListConversationsOptions
	if opts != nil {
		o = *opts
	}
	params := &gen.GetConversationsParams{}
	limit, err := optionalLimit(op, "opts.Limit", o.Limit, MaxPageSize)
	if err != nil {
		return nil, err
	}
	params.Limit = limit
	if o.Offset < 0 || o.Offset > maxInt32 {
		return nil, &ArgumentError{Operation: op, Argument: "opts.Offset", Reason: "must be between 0 and 2147483647"}
	}
	if o.Offset > 0 {
		off := int32(o.Offset)
		params.Offset = &off
	}
	if o.Medium != "" {
		m := string(o.Medium)
		params.Medium = &m
	}
	if o.Before != "" {
		b := o.Before
		params.Before = &b
	}
	resp, err := call(ctx, c, opGetConversations, func(s string) (*http.Request, error) {
		return gen.NewGetConversationsRequest(s, params)
	}, func(r *ConversationsResponse) (*bool, *gen.Error) { return r.Success, r.Error })
	if err != nil {
		return nil, err
	}
	page := &ConversationsPage{Conversations: resp.Conversations, Response: resp}
	if resp.Metadata != nil && resp.Metadata.ResultSet != nil {
		page.ResultSet = *resp.Metadata.ResultSet
	}
	return page, nil
}

// AllConversations iterates over every conversation summary from
// opts.Offset on, fetching pages as needed. It follows result_set.more and
// next_offset (or, without next_offset, the count received). It stops after
// the last page, when the caller breaks, after yielding an error, or when the
// service sends a next offset that does not advance or repeats (logged at
// warn level), so a faulty service cannot make it loop. opts is copied, never
// modified.
func (c *Client) AllConversations(ctx context.Context, opts *ListConversationsOptions) iter.Seq2[ConversationSummary, error] {
	var o ListConversationsOptions
	if opts != nil {
		o = *opts
	}
	if o.Limit == 0 {
		o.Limit = MaxPageSize
	}
	return func(yield func(ConversationSummary, error) bool) {
		o := o // each run of the iterator starts over
		seen := map[int]bool{o.Offset: true}
		for {
			page, err := c.ListConversations(ctx, &o)
			if err != nil {
				yield(ConversationSummary{}, err)
				return
			}
			for _, s := range page.Conversations {
				if !yield(s, nil) {
					return
				}
			}
			if !page.More() || len(page.Conversations) == 0 {
				return
			}
			next := o.Offset + len(page.Conversations)
			if n := page.ResultSet.NextOffset; n != nil {
				next = int(*n)
			}
			if next <= o.Offset || seen[next] {
				c.logger.LogAttrs(ctx, slog.LevelWarn, "conversation: pagination stopped: next offset does not advance",
					slog.String("operation", opGetConversations.id), slog.Int("offset", o.Offset), slog.Int("next_offset", next))
				return
			}
			seen[next] = true
			o.Offset = next
		}
	}
}
