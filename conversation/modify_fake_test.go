package conversation_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log"
	"reflect"
	"strings"
	"testing"

	"github.com/ultracart-community/ultracart-go/conversation"
	"github.com/ultracart-community/ultracart-go/conversation/conversationtest"
)

// TestModifyKeepsWhatItDoesNotChange against the fake, end to end: the
// trap first (an update of one field replaces the whole queue, and the
// fake, as the service, refuses a queue without its name), then one field
// changed through ModifyPbxQueue, every other field kept.
func TestModifyKeepsWhatItDoesNotChange(t *testing.T) {
	srv := conversationtest.NewServer(t)
	c, ctx := srv.Client, context.Background()
	q, err := c.InsertPbxQueue(ctx, &conversation.ConversationPbxQueue{
		Name:           conversation.Ptr("Support"),
		MaxHoldSeconds: conversation.Ptr(int32(60)),
		Members:        &conversation.ConversationPbxQueueMembers{Users: []conversation.UserID{srv.AgentUserID()}},
		Voicemail:      conversation.Ptr(true),
	})
	if err != nil {
		t.Fatal(err)
	}
	id := q.GetConversationPbxQueueUUID()

	_, err = c.UpdatePbxQueue(ctx, id, &conversation.ConversationPbxQueue{MaxHoldSeconds: conversation.Ptr(int32(120))})
	if !errors.Is(err, conversation.ErrBadRequest) {
		t.Errorf("an update with only max_hold_seconds: %v, want the fake's 400 for a queue without its name", err)
	}

	got, err := c.ModifyPbxQueue(ctx, id, func(q *conversation.ConversationPbxQueue) error {
		q.MaxHoldSeconds = conversation.Ptr(int32(120))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	again, err := c.GetPbxQueue(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range []*conversation.ConversationPbxQueue{got, again} {
		if r.GetName() != "Support" || r.GetMaxHoldSeconds() != 120 || !r.GetVoicemail() ||
			len(r.GetMembers().GetUsers()) != 1 || r.GetMembers().GetUsers()[0] != srv.AgentUserID() {
			t.Errorf("queue after ModifyPbxQueue: %+v, want the name, members and voicemail kept, max_hold_seconds 120", *r)
		}
	}

	_, err = c.ModifyPbxQueue(ctx, "no-such-queue", func(*conversation.ConversationPbxQueue) error {
		t.Error("change called for a queue that does not exist")
		return nil
	})
	if !errors.Is(err, conversation.ErrNotFound) {
		t.Errorf("a missing queue: %v, want ErrNotFound", err)
	}
}

// Change one setting of a PBX queue and keep the others: UpdatePbxQueue
// replaces the whole queue, so a queue sent with only MaxHoldSeconds would
// lose its name, members and mailbox. ModifyPbxQueue reads the queue, lets
// the function change it, and writes it back whole.
func ExampleClient_ModifyPbxQueue() {
	_, c, done := servedFake(conversationtest.WithDemoData())
	defer done()
	ctx := context.Background()
	queues, err := c.GetPbxQueues(ctx)
	if err != nil {
		log.Fatal(err)
	}
	id := queues[0].GetConversationPbxQueueUUID()

	q, err := c.ModifyPbxQueue(ctx, id, func(q *conversation.ConversationPbxQueue) error {
		q.MaxHoldSeconds = conversation.Ptr(int32(120))
		return nil
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%s: hold %ds, %d members\n", q.GetName(), q.GetMaxHoldSeconds(), len(q.GetMembers().GetUsers()))
	// Output:
	// Support line: hold 120s, 2 members
}

// TestModifyHelpersOnTheFake: every Modify helper against the fake's demo
// data: one field changed is written, and read back with everything else
// as it was; the fake, which refuses what the service cannot mean, takes
// every object a helper writes back.
func TestModifyHelpersOnTheFake(t *testing.T) {
	srv := conversationtest.NewServer(t, conversationtest.WithDemoData())
	c, ctx := srv.Client, context.Background()
	var ai conversation.UserID
	profiles, err := c.GetAgentProfiles(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range profiles {
		if p.GetAi() {
			ai = p.GetUserID()
		}
	}
	mcps, err := c.GetAgentProfileMcps(ctx, ai)
	if err != nil || len(mcps) == 0 {
		t.Fatalf("the demo AI agent (%d) has no MCP server: %v", ai, err)
	}
	engagements, err := c.GetConversationEngagements(ctx)
	if err != nil || len(engagements) == 0 {
		t.Fatalf("no demo engagement: %v", err)
	}
	if _, err := c.InsertUserPbxAudio(ctx, &conversation.ConversationPbxAudio{Description: conversation.Ptr("My voicemail greeting")}); err != nil {
		t.Fatal(err) // the demo data has no agent's own audio
	}
	const changed = "Changed by Modify"
	type modifyCase struct {
		name string
		// get reads the object; modify changes one field through the
		// helper and returns what it wrote.
		get, modify func() (any, error)
	}
	cases := []modifyCase{
		{"ModifyAgentProfile", func() (any, error) { return c.GetAgentProfile(ctx) }, func() (any, error) {
			return c.ModifyAgentProfile(ctx, func(p *conversation.ConversationAgentProfile) error {
				p.DisplayName = conversation.Ptr(changed)
				return nil
			})
		}},
		{"ModifyAgentProfileMcp", func() (any, error) { return c.GetAgentProfileMcp(ctx, ai, mcps[0].GetMcpServerUUID()) }, func() (any, error) {
			return c.ModifyAgentProfileMcp(ctx, ai, mcps[0].GetMcpServerUUID(), func(m *conversation.ConversationMcpServer) error {
				m.Priority = conversation.Ptr(m.GetPriority() + 1)
				return nil
			})
		}},
		{"ModifyConversationEngagement", func() (any, error) {
			return c.GetConversationEngagement(ctx, int(engagements[0].GetConversationEngagementOid()))
		}, func() (any, error) {
			return c.ModifyConversationEngagement(ctx, int(engagements[0].GetConversationEngagementOid()), func(e *conversation.ConversationEngagement) error {
				e.EngagementName = conversation.Ptr(changed)
				return nil
			})
		}},
		{"ModifyVirtualAgentBudget", func() (any, error) { return c.GetVirtualAgentBudget(ctx) }, func() (any, error) {
			return c.ModifyVirtualAgentBudget(ctx, func(b *conversation.ConversationVirtualAgentBudget) error {
				b.BudgetDaily = conversation.Ptr(b.GetBudgetDaily() + 1)
				return nil
			})
		}},
		{"ModifyVirtualAgentCapabilities", func() (any, error) { return c.GetVirtualAgentCapabilities(ctx) }, func() (any, error) {
			return c.ModifyVirtualAgentCapabilities(ctx, func(v *conversation.ConversationVirtualAgentCapabilities) error {
				v.LookupOrderInformation = conversation.Ptr(!v.GetLookupOrderInformation())
				return nil
			})
		}},
	}
	pbx := []struct {
		name   string
		list   func() ([]string, error)
		modify func(id string) (any, error)
		get    func(id string) (any, error)
	}{
		{"ModifyPbxAddress", ids(c.GetPbxAddresses(ctx))((*conversation.ConversationPbxAddress).GetConversationPbxAddressUUID),
			func(id string) (any, error) {
				return c.ModifyPbxAddress(ctx, id, func(x *conversation.ConversationPbxAddress) error {
					x.FriendlyName = conversation.Ptr(changed)
					return nil
				})
			}, func(id string) (any, error) { return c.GetPbxAddress(ctx, id) }},
		{"ModifyPbxAgent", ids(c.GetPbxAgents(ctx))((*conversation.ConversationPbxAgent).GetConversationPbxAgentUUID),
			func(id string) (any, error) {
				return c.ModifyPbxAgent(ctx, id, func(x *conversation.ConversationPbxAgent) error { x.FullName = conversation.Ptr(changed); return nil })
			}, func(id string) (any, error) { return c.GetPbxAgent(ctx, id) }},
		{"ModifyPbxAudio", ids(c.GetPbxAudios(ctx))((*conversation.ConversationPbxAudio).GetConversationPbxAudioUUID),
			func(id string) (any, error) {
				return c.ModifyPbxAudio(ctx, id, func(x *conversation.ConversationPbxAudio) error {
					x.Description = conversation.Ptr(changed)
					return nil
				})
			}, func(id string) (any, error) { return c.GetPbxAudio(ctx, id) }},
		{"ModifyPbxClassOfService", ids(c.GetPbxClassesOfService(ctx))((*conversation.ConversationPbxClassOfService).GetConversationPbxClassOfServiceUUID),
			func(id string) (any, error) {
				return c.ModifyPbxClassOfService(ctx, id, func(x *conversation.ConversationPbxClassOfService) error {
					x.Description = conversation.Ptr(changed)
					return nil
				})
			}, func(id string) (any, error) { return c.GetPbxClassOfService(ctx, id) }},
		{"ModifyPbxHardwarePhone", ids(c.GetPbxHardwarePhones(ctx))((*conversation.ConversationPbxHardwarePhone).GetConversationPbxHardwarePhoneUUID),
			func(id string) (any, error) {
				return c.ModifyPbxHardwarePhone(ctx, id, func(x *conversation.ConversationPbxHardwarePhone) error {
					x.Description = conversation.Ptr(changed)
					return nil
				})
			}, func(id string) (any, error) { return c.GetPbxHardwarePhone(ctx, id) }},
		{"ModifyPbxMenu", ids(c.GetPbxMenus(ctx))((*conversation.ConversationPbxMenu).GetConversationPbxMenuUUID),
			func(id string) (any, error) {
				return c.ModifyPbxMenu(ctx, id, func(x *conversation.ConversationPbxMenu) error { x.Say = conversation.Ptr(changed); return nil })
			}, func(id string) (any, error) { return c.GetPbxMenu(ctx, id) }},
		{"ModifyPbxPhoneNumber", ids(c.GetPbxPhoneNumbers(ctx))((*conversation.ConversationPbxPhoneNumber).GetConversationPbxPhoneNumberUUID),
			func(id string) (any, error) {
				return c.ModifyPbxPhoneNumber(ctx, id, func(x *conversation.ConversationPbxPhoneNumber) error {
					x.AddressSid = conversation.Ptr("AD0000000000000000000000000000changed")
					return nil
				})
			}, func(id string) (any, error) { return c.GetPbxPhoneNumber(ctx, id) }},
		{"ModifyPbxQueue", ids(c.GetPbxQueues(ctx))((*conversation.ConversationPbxQueue).GetConversationPbxQueueUUID),
			func(id string) (any, error) {
				return c.ModifyPbxQueue(ctx, id, func(x *conversation.ConversationPbxQueue) error { x.Name = conversation.Ptr(changed); return nil })
			}, func(id string) (any, error) { return c.GetPbxQueue(ctx, id) }},
		{"ModifyPbxTimeBased", ids(c.GetPbxTimeBaseds(ctx))((*conversation.ConversationPbxTimeBased).GetConversationPbxTimeBasedUUID),
			func(id string) (any, error) {
				return c.ModifyPbxTimeBased(ctx, id, func(x *conversation.ConversationPbxTimeBased) error {
					x.TimeBasedName = conversation.Ptr(changed)
					return nil
				})
			}, func(id string) (any, error) { return c.GetPbxTimeBased(ctx, id) }},
		{"ModifyPbxTimeRange", ids(c.GetPbxTimeRanges(ctx))((*conversation.ConversationPbxTimeRange).GetConversationPbxTimeRangeUUID),
			func(id string) (any, error) {
				return c.ModifyPbxTimeRange(ctx, id, func(x *conversation.ConversationPbxTimeRange) error {
					x.TimeRangeName = conversation.Ptr(changed)
					return nil
				})
			}, func(id string) (any, error) { return c.GetPbxTimeRange(ctx, id) }},
		{"ModifyPbxVoicemailMailbox", ids(c.GetPbxVoicemailMailboxes(ctx))((*conversation.ConversationPbxVoicemailMailbox).GetConversationPbxVoicemailMailboxUUID),
			func(id string) (any, error) {
				return c.ModifyPbxVoicemailMailbox(ctx, id, func(x *conversation.ConversationPbxVoicemailMailbox) error {
					x.VoicemailMailboxID = conversation.Ptr(changed)
					return nil
				})
			}, func(id string) (any, error) { return c.GetPbxVoicemailMailbox(ctx, id) }},
		{"ModifyUserPbxAudio", ids(c.GetUserPbxAudios(ctx))((*conversation.ConversationPbxAudio).GetConversationPbxAudioUUID),
			func(id string) (any, error) {
				return c.ModifyUserPbxAudio(ctx, id, func(x *conversation.ConversationPbxAudio) error {
					x.Description = conversation.Ptr(changed)
					return nil
				})
			}, func(id string) (any, error) { return c.GetUserPbxAudio(ctx, id) }},
	}
	for _, p := range pbx {
		var id string
		cases = append(cases, modifyCase{p.name,
			func() (any, error) {
				ids, err := p.list()
				if err != nil || len(ids) == 0 {
					return nil, fmt.Errorf("no demo object (%v)", err)
				}
				id = ids[0]
				return p.get(id)
			},
			func() (any, error) { return p.modify(id) }})
	}
	seen := map[string]bool{}
	for _, tc := range cases {
		seen[tc.name] = true
		t.Run(tc.name, func(t *testing.T) {
			before, err := tc.get()
			if err != nil {
				t.Fatal(err)
			}
			written, err := tc.modify()
			if err != nil {
				t.Fatalf("the fake refused what the helper wrote: %v", err)
			}
			read, err := tc.get()
			if err != nil {
				t.Fatal(err)
			}
			b, w, r := jsonOf(t, before), jsonOf(t, written), jsonOf(t, read)
			if diff := changedKeys(t, b, w); len(diff) != 1 {
				t.Errorf("properties changed %v, want the one the change set:\nbefore %s\nafter  %s", diff, b, w)
			}
			if r != w {
				t.Errorf("read back\n %s\nwant what was written\n %s", r, w)
			}
		})
	}
	helpers := 0
	ct := reflect.TypeFor[*conversation.Client]()
	for i := range ct.NumMethod() {
		if m := ct.Method(i); strings.HasPrefix(m.Name, "Modify") {
			helpers++
			if !seen[m.Name] {
				t.Errorf("%s has no case here", m.Name)
			}
		}
	}
	if helpers != len(cases) {
		t.Errorf("%d Modify helpers, %d cases", helpers, len(cases))
	}
}

// ids turns a list call's result into a function from a getter of an item's
// id to the list of ids.
func ids[T any](list []T, err error) func(func(*T) string) func() ([]string, error) {
	return func(id func(*T) string) func() ([]string, error) {
		return func() ([]string, error) {
			var out []string
			for i := range list {
				out = append(out, id(&list[i]))
			}
			return out, err
		}
	}
}

// changedKeys are the properties whose values differ between two JSON
// objects.
func changedKeys(t *testing.T, a, b string) []string {
	t.Helper()
	var ma, mb map[string]json.RawMessage
	if err := json.Unmarshal([]byte(a), &ma); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(b), &mb); err != nil {
		t.Fatal(err)
	}
	var diff []string
	for k, v := range ma {
		if string(mb[k]) != string(v) {
			diff = append(diff, k)
		}
	}
	for k := range mb {
		if _, ok := ma[k]; !ok {
			diff = append(diff, k)
		}
	}
	return diff
}

func jsonOf(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
