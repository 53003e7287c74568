package conversationtest_test

import (
	"context"
	"errors"
	"testing"

	cv "github.com/ultracart-community/ultracart-go/conversation"
	"github.com/ultracart-community/ultracart-go/conversation/conversationtest"
)

// TestGetOrCreate: the branch a provisioning program writes takes the
// right way against the fake: a get of what is missing is ErrNotFound,
// the insert follows, and the next run's get finds it.
func TestGetOrCreate(t *testing.T) {
	srv := conversationtest.NewServer(t)
	c, ctx := srv.Client, context.Background()
	ensure := func(id string) (*cv.ConversationPbxQueue, bool) {
		t.Helper()
		q, err := c.GetPbxQueue(ctx, id)
		if errors.Is(err, cv.ErrNotFound) {
			return must(c.InsertPbxQueue(ctx, &cv.ConversationPbxQueue{Name: cv.Ptr("Support")})), true
		}
		if err != nil {
			t.Fatalf("get: %v", err)
		}
		return q, false
	}
	q, created := ensure(missingUUID)
	if !created || q.GetConversationPbxQueueUUID() == "" {
		t.Fatalf("first run: created %v, %+v", created, q)
	}
	again, created := ensure(q.GetConversationPbxQueueUUID())
	if created || again.GetName() != "Support" {
		t.Errorf("second run: created %v, %+v", created, again)
	}

	// What the fake answered: UltraCart's 400 naming the object.
	_, err := c.GetPbxQueue(ctx, missingUUID)
	var ae *cv.APIError
	if !errors.As(err, &ae) || ae.StatusCode != 400 || ae.ObjectID != missingUUID || !errors.Is(err, cv.ErrBadRequest) {
		t.Errorf("missing queue: %#v", err)
	}
}

// TestNotFoundEverywhere: every call without a body that names a missing
// object, or a missing parent, is ErrNotFound.
func TestNotFoundEverywhere(t *testing.T) {
	srv := conversationtest.NewServer(t, conversationtest.WithDemoData())
	c, ctx := srv.Client, context.Background()
	for name, call := range map[string]func() error{
		"get menu":             func() error { _, err := c.GetPbxMenu(ctx, missingUUID); return err },
		"get time range":       func() error { _, err := c.GetPbxTimeRange(ctx, missingUUID); return err },
		"get user audio":       func() error { _, err := c.GetUserPbxAudio(ctx, missingUUID); return err },
		"get engagement (oid)": func() error { _, err := c.GetConversationEngagement(ctx, 999999); return err },
		"get conversation":     func() error { _, err := c.GetConversation(ctx, missingUUID, nil); return err },
		"get MCP server":       func() error { _, err := c.GetAgentProfileMcp(ctx, 1003, missingUUID); return err },
		"MCP server of a missing agent": func() error {
			_, err := c.GetAgentProfileMcp(ctx, 424242, "7f3c2a10-5b1e-4c8a-9d01-0000000000b1")
			return err
		},
		"voicemail of a missing queue": func() error { _, err := c.GetPbxQueueVoicemail(ctx, missingUUID, "RE1"); return err },
		"delete menu":                  func() error { _, err := c.DeletePbxMenu(ctx, missingUUID); return err },
		"mark read":                    func() error { return c.MarkReadConversation(ctx, missingUUID) },
		"protect phone number":         func() error { _, err := c.ProtectPbxPhoneNumber(ctx, missingUUID); return err },
	} {
		if err := call(); !errors.Is(err, cv.ErrNotFound) {
			t.Errorf("%s: %v is not ErrNotFound", name, err)
		}
	}
}

// TestValidationIsNotNotFound: a 400 for input the service refuses is
// ErrBadRequest and never ErrNotFound, nor is a missing object named in a
// request with a body (an update of a missing object, or a reference).
func TestValidationIsNotNotFound(t *testing.T) {
	srv := conversationtest.NewServer(t, conversationtest.WithDemoData())
	c, ctx := srv.Client, context.Background()
	for name, call := range map[string]func() error{
		"insert without a name": func() error { _, err := c.InsertPbxQueue(ctx, &cv.ConversationPbxQueue{}); return err },
		"update of an existing queue, bad member": func() error {
			_, err := c.UpdatePbxQueue(ctx, demoQueue, &cv.ConversationPbxQueue{Name: cv.Ptr("Support line"),
				Members: &cv.ConversationPbxQueueMembers{Users: []cv.UserID{4242}}})
			return err
		},
		"update of an existing menu naming itself and a missing queue": func() error {
			_, err := c.UpdatePbxMenu(ctx, demoMenu, &cv.ConversationPbxMenu{Name: cv.Ptr("Main menu"),
				DefaultAction: cv.Ptr(cv.ConversationPbxActionMenu), DefaultActionTarget: cv.Ptr(demoMenu),
				Mappings: []cv.ConversationPbxMenuMapping{{Action: cv.Ptr(cv.ConversationPbxAction("queue")), ActionTarget: cv.Ptr(missingUUID)}}})
			return err
		},
		"update of a missing queue": func() error {
			_, err := c.UpdatePbxQueue(ctx, missingUUID, &cv.ConversationPbxQueue{Name: cv.Ptr("Support")})
			return err
		},
		"time zone": func() error {
			_, err := c.InsertPbxTimeRange(ctx, &cv.ConversationPbxTimeRange{TimeRangeName: cv.Ptr("T"), Timezone: cv.Ptr("Mars/Olympus")})
			return err
		},
		"search range": func() error {
			_, err := c.GetConversationsSearch(ctx, &cv.ConversationSearchRequest{RangeBegin: cv.Ptr(int32(20)), RangeEnd: cv.Ptr(int32(10))})
			return err
		},
		"budget": func() error {
			_, err := c.UpdateVirtualAgentBudget(ctx, &cv.ConversationVirtualAgentBudget{BudgetDaily: cv.Ptr(-1.0)})
			return err
		},
	} {
		err := call()
		if !errors.Is(err, cv.ErrBadRequest) || errors.Is(err, cv.ErrNotFound) {
			t.Errorf("%s: %v: ErrBadRequest %v, ErrNotFound %v", name, err, errors.Is(err, cv.ErrBadRequest), errors.Is(err, cv.ErrNotFound))
		}
	}
}
